/**
 * The clearing house's chart of accounts (docs/ledger.md has the full reading).
 *
 * Ids are stable and meaningful text, built only here:
 *   clearing:<BIC11>:<CCY>    the participant's clearing position (debit balance = it owes the house)
 *   settlement:<BIC11>:<CCY>  mirror of the participant's settlement account at the settlement bank
 *   technical:<CCY>           mirror of the gateway's technical account at the settlement bank
 *                             (the account whose camt.053 the settlement bank sends)
 *   suspense:<CCY>            items that cannot be attributed yet (unmatched statement lines)
 *   returns:<CCY>             amounts of returned payments until the return settles
 *
 * Sign convention, the same for every account: a posting's amount is positive for a debit and
 * negative for a credit; a balance is the sum of its postings, so a negative balance is a credit
 * balance. Mirror accounts are kept from the settlement bank's point of view (a participant's
 * funds there are a credit balance), which makes camt CdtDbtInd a pure function of the sign:
 * amount < 0 is CRDT, amount > 0 is DBIT.
 *
 * BICs are normalised to 11 characters (ISO 9362: an 8-character BIC is the XXX branch), so
 * BANKDEFF and BANKDEFFXXX name the same account.
 */
import { bic11, currencyExponent, err, isBic, ok, type Result } from '../domain/index.js';

export type AccountKind = 'clearing' | 'settlement' | 'technical' | 'suspense' | 'returns';

export const PARTICIPANT_ACCOUNT_KINDS = ['clearing', 'settlement'] as const satisfies readonly AccountKind[];
export const HOUSE_ACCOUNT_KINDS = [
  'technical',
  'suspense',
  'returns',
] as const satisfies readonly AccountKind[];

export interface AccountSpec {
  readonly id: string;
  readonly kind: AccountKind;
  /** BIC11 of the participant for participant accounts, null for house accounts. */
  readonly participant: string | null;
  readonly currency: string;
}

/**
 * A participant's limit in one currency, on its clearing account: its exposure (posted balance
 * plus pending debits; pending credits do not count) may not exceed netDebitCap + prefunded.
 */
export interface Limit {
  readonly netDebitCapMinor: bigint;
  readonly prefundedMinor: bigint;
}

function checkCurrency(currency: string): void {
  if (currencyExponent(currency) === undefined)
    throw new RangeError(`not an active ISO 4217 currency: ${currency}`);
}

function participantId(kind: 'clearing' | 'settlement', bic: string, currency: string): string {
  if (!isBic(bic)) throw new RangeError(`not a BIC: ${bic}`);
  checkCurrency(currency);
  return `${kind}:${bic11(bic)}:${currency}`;
}

function houseId(kind: 'technical' | 'suspense' | 'returns', currency: string): string {
  checkCurrency(currency);
  return `${kind}:${currency}`;
}

export const clearingAccount = (bic: string, currency: string): string =>
  participantId('clearing', bic, currency);
export const settlementAccount = (bic: string, currency: string): string =>
  participantId('settlement', bic, currency);
export const technicalAccount = (currency: string): string => houseId('technical', currency);
export const suspenseAccount = (currency: string): string => houseId('suspense', currency);
export const returnsAccount = (currency: string): string => houseId('returns', currency);

const PARTICIPANT_RE = /^(clearing|settlement):([A-Z0-9]{11}):([A-Z]{3})$/;
const HOUSE_RE = /^(technical|suspense|returns):([A-Z]{3})$/;

/** Reads an account id back into its parts; the only way text becomes an account. */
export function parseAccountId(id: string): Result<AccountSpec, string> {
  const p = PARTICIPANT_RE.exec(id);
  if (p) {
    const [, kind, bic = '', currency = ''] = p;
    if (!isBic(bic)) return err(`${id}: ${bic} is not a BIC`);
    if (currencyExponent(currency) === undefined)
      return err(`${id}: ${currency} is not an ISO 4217 currency`);
    return ok({ id, kind: kind as AccountKind, participant: bic, currency });
  }
  const h = HOUSE_RE.exec(id);
  if (h) {
    const [, kind, currency = ''] = h;
    if (currencyExponent(currency) === undefined)
      return err(`${id}: ${currency} is not an ISO 4217 currency`);
    return ok({ id, kind: kind as AccountKind, participant: null, currency });
  }
  return err(`${id.slice(0, 64)} is not a ledger account id (kind:BIC11:CCY or kind:CCY)`);
}

/** The two accounts every participant has in each currency it clears. */
export function participantAccounts(bic: string, currency: string): AccountSpec[] {
  const b = bic11(bic);
  return [
    { id: clearingAccount(b, currency), kind: 'clearing', participant: b, currency },
    { id: settlementAccount(b, currency), kind: 'settlement', participant: b, currency },
  ];
}

/** The house accounts of one currency. */
export function houseAccounts(currency: string): AccountSpec[] {
  return [
    { id: technicalAccount(currency), kind: 'technical', participant: null, currency },
    { id: suspenseAccount(currency), kind: 'suspense', participant: null, currency },
    { id: returnsAccount(currency), kind: 'returns', participant: null, currency },
  ];
}

/** True for the kind that carries a participant limit. */
export function hasLimit(kind: AccountKind): boolean {
  return kind === 'clearing';
}
