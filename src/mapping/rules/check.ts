/**
 * Business rules beyond the XSD over the typed model, layered as the catalogue says: the AppHdr
 * against the Document (L0/L3), ISO 20022 cross-element rules (L2), the gateway's profile (L3).
 *
 * The checker is incremental so that a 100,000-transaction file is checked one transaction at a
 * time in bounded memory: `parts()` with the top-level parts other than the transactions (group
 * header …), `transaction()` for each transaction in order, `finish()` for the rules over the
 * whole message (counts, totals, one currency, one date). `checkMessage` runs it over a whole
 * model. Each finding says which transaction it rejects, or null for the whole message.
 */
import { compare, exponentOf, sum, type Money } from '../../domain/index.js';
import { layoutOf, type Layout } from '../model/layout.js';
import type { AnyMessage, AppHdr, MessageType } from '../model/messages.js';
import type * as T from '../model/generated/types.js';
import { finding, type Finding } from './findings.js';
import { agentBic, partyBic } from '../model/agents.js';
import { messageKey, type MessageKey } from './keys.js';
import { leafFindings } from './leaves.js';
import type { RuleContext } from './profile.js';

/** What a payment message's transactions carry, per message version. */
interface PaymentShape {
  readonly amount: 'IntrBkSttlmAmt' | 'RtrdIntrBkSttlmAmt';
  readonly total: 'TtlIntrBkSttlmAmt' | 'TtlRtrdIntrBkSttlmAmt';
  /** Own reference that keys the transaction when it has no UETR. */
  readonly reference: (tx: PaymentTx) => string | undefined;
  readonly uetr: (tx: PaymentTx) => string | undefined;
}

type PaymentTx = T.CreditTransferTransaction39 | T.CreditTransferTransaction36 | T.PaymentTransaction112;
type PaymentGroupHeader = T.GroupHeader93 | T.GroupHeader90;

const CREDIT_TRANSFER: PaymentShape = {
  amount: 'IntrBkSttlmAmt',
  total: 'TtlIntrBkSttlmAmt',
  reference: (tx) => (tx as T.CreditTransferTransaction39).PmtId.TxId,
  uetr: (tx) => (tx as T.CreditTransferTransaction39).PmtId.UETR,
};

const PAYMENT_SHAPES: Partial<Record<MessageType, PaymentShape>> = {
  'pacs.008.001.08': CREDIT_TRANSFER,
  'pacs.009.001.08': CREDIT_TRANSFER,
  'pacs.004.001.09': {
    amount: 'RtrdIntrBkSttlmAmt',
    total: 'TtlRtrdIntrBkSttlmAmt',
    reference: (tx) => (tx as T.PaymentTransaction112).RtrId,
    uetr: () => undefined, // a return has no UETR of its own (OrgnlUETR names the original)
  },
};

/** Calendar-day arithmetic on ISO dates, in UTC (no clock involved). */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Decimal text as an integer scaled by 10^scale (exact; null when it has more decimals). */
function scaled(text: string, scale: number): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  if (frac.length > scale) return null;
  const v = BigInt(`${m[2] || '0'}${frac.padEnd(scale, '0')}`);
  return m[1] === '-' ? -v : v;
}

const CTRL_SUM_SCALE = 17; // DecimalNumber: fractionDigits 17

/**
 * Messages whose values the gateway checks field by field (IBAN, BIC, UETR, character set):
 * instructions and answers between participants. Account reports (camt.052/053/054) are read
 * as the account servicer wrote them — a statement is evidence to reconcile, not an
 * instruction to accept or refuse, so only their structure and amounts are checked.
 */
const VALUE_RULES: ReadonlySet<MessageType> = new Set<MessageType>([
  'pacs.008.001.08',
  'pacs.009.001.08',
  'pacs.004.001.09',
  'pacs.002.001.10',
  'camt.056.001.08',
  'camt.029.001.09',
]);

export class MessageChecker {
  readonly layout: Layout;
  private readonly shape: PaymentShape | undefined;
  private grpHdr: PaymentGroupHeader | undefined;
  private nbOfTxsDeclared: string | undefined;
  private nbOfTxsPath = '';
  private count = 0;
  private ctrlSum = 0n;
  private readonly totals = new Map<string, Money[]>();
  private readonly dates = new Set<string>();
  /** Where the first transaction in a second currency / on a second date is. */
  private otherCurrencyAt: string | undefined;
  private otherDateAt: string | undefined;
  private sender: string | undefined;

  constructor(
    readonly messageType: MessageType,
    private readonly ctx: RuleContext,
    private readonly appHdr?: AppHdr,
  ) {
    this.layout = layoutOf(messageType);
    this.shape = PAYMENT_SHAPES[messageType];
    this.values = VALUE_RULES.has(messageType);
  }

  private readonly values: boolean;

  private leaves(
    typeName: string,
    value: unknown,
    path: string,
    txIndex: number | null,
    out: Finding[],
  ): void {
    if (this.values) leafFindings(typeName, value, path, this.ctx, txIndex, out);
  }

  private get root(): string {
    return `/Document/${this.layout.rootTag}`;
  }

  txPath(index: number): string {
    return `${this.root}/${this.layout.repeating}[${index + 1}]`;
  }

  /** The top-level parts other than the transactions, by tag (as decoded). */
  parts(parts: Readonly<Record<string, unknown>>): Finding[] {
    const out: Finding[] = [];
    const hdr = this.appHdr;
    if (hdr) this.leaves('BusinessApplicationHeaderV02', hdr, '/AppHdr', null, out);
    for (const [tag, [type, , max]] of this.layout.parts) {
      const v = parts[tag];
      if (v === undefined) continue;
      if (max === 1) this.leaves(type, v, `${this.root}/${tag}`, null, out);
      else
        (v as unknown[]).forEach((x, i) => this.leaves(type, x, `${this.root}/${tag}[${i + 1}]`, null, out));
    }
    const grp = parts.GrpHdr as (PaymentGroupHeader & T.GroupHeader91) | undefined;
    if (this.shape) this.grpHdr = grp;
    if (grp && 'NbOfTxs' in grp)
      [this.nbOfTxsDeclared, this.nbOfTxsPath] = [grp.NbOfTxs, `${this.root}/GrpHdr/NbOfTxs`];
    const ctrl = parts.CtrlData as T.ControlData1 | undefined;
    if (ctrl) [this.nbOfTxsDeclared, this.nbOfTxsPath] = [ctrl.NbOfTxs, `${this.root}/CtrlData/NbOfTxs`];
    this.sender = partyBic(hdr?.Fr) ?? agentBic(grp?.InstgAgt);
    if (hdr) this.checkHeader(hdr, parts, out);
    return out;
  }

  private checkHeader(hdr: AppHdr, parts: Readonly<Record<string, unknown>>, out: Finding[]): void {
    const p = this.ctx.profile;
    const msgId =
      (parts.GrpHdr as { MsgId?: string } | undefined)?.MsgId ??
      (parts.Assgnmt as { Id?: string } | undefined)?.Id;
    if (p.businessMessageIdIsMsgId && msgId !== undefined && hdr.BizMsgIdr !== msgId)
      out.push(
        finding(
          'header.business-message-id',
          '/AppHdr/BizMsgIdr',
          `BizMsgIdr ${hdr.BizMsgIdr} is not MsgId ${msgId}`,
          null,
        ),
      );
    const grp = parts.GrpHdr as PaymentGroupHeader | undefined;
    if (grp) this.checkAgents(agentBic(grp.InstgAgt), agentBic(grp.InstdAgt), `${this.root}/GrpHdr`, out);
  }

  /** CBPR+ R2/R3: Fr is the instructing agent, To the instructed agent, unless a copy. */
  private checkAgents(
    instg: string | undefined,
    instd: string | undefined,
    at: string,
    out: Finding[],
  ): void {
    const hdr = this.appHdr;
    if (!hdr || !this.ctx.profile.headerAgentsMatch) return;
    if (hdr.CpyDplct === 'COPY' || hdr.CpyDplct === 'CODU') return;
    const fr = partyBic(hdr.Fr);
    const to = partyBic(hdr.To);
    if (fr && instg && fr !== instg)
      out.push(
        finding(
          'header.from',
          '/AppHdr/Fr',
          `AppHdr Fr ${fr} is not the instructing agent ${instg} (${at}/InstgAgt)`,
          null,
        ),
      );
    if (to && instd && to !== instd)
      out.push(
        finding(
          'header.to',
          '/AppHdr/To',
          `AppHdr To ${to} is not the instructed agent ${instd} (${at}/InstdAgt)`,
          null,
        ),
      );
  }

  /** A top-level part that came after the transactions (e.g. SplmtryData): value rules only. */
  lateParts(tag: string, value: unknown, n: number): Finding[] {
    const out: Finding[] = [];
    const spec = this.layout.parts.get(tag);
    if (spec)
      this.leaves(
        spec[0],
        value,
        spec[2] === 1 ? `${this.root}/${tag}` : `${this.root}/${tag}[${n}]`,
        null,
        out,
      );
    return out;
  }

  /** A transaction that could not be read completely: counted, not checked. */
  skipTransaction(tx: unknown): void {
    if (this.messageType === 'camt.056.001.08')
      this.count += (tx as Partial<T.UnderlyingTransaction23>).TxInf?.length ?? 0;
    else this.count++;
    if (this.shape) this.sender ??= agentBic((tx as Partial<PaymentTx>).InstgAgt);
  }

  /** One transaction (the repeating element), `index` from 0 in document order. */
  transaction(tx: unknown, index: number): Finding[] {
    const out: Finding[] = [];
    const path = this.txPath(index);
    this.leaves(this.layout.repeatingType, tx, path, index, out);
    if (this.messageType === 'camt.056.001.08')
      this.count += (tx as T.UnderlyingTransaction23).TxInf?.length ?? 0;
    else this.count++;
    if (this.shape) this.paymentTransaction(tx as PaymentTx, index, path, out);
    return out;
  }

  private paymentTransaction(tx: PaymentTx, index: number, path: string, out: Finding[]): void {
    const shape = this.shape!;
    const p = this.ctx.profile;
    const amount = (tx as unknown as Record<string, Money | undefined>)[shape.amount];
    if (amount) {
      if (amount.minor === 0n)
        out.push(finding('amount.zero', `${path}/${shape.amount}`, `${shape.amount} is zero`, index));
      const list = this.totals.get(amount.currency);
      if (list) list.push(amount);
      else {
        if (this.totals.size === 1) this.otherCurrencyAt = `${path}/${shape.amount}`;
        this.totals.set(amount.currency, [amount]);
      }
      // CtrlSum adds the amounts as plain decimals, "irrespective of currencies" (ISO definition).
      this.ctrlSum += amount.minor * 10n ** BigInt(CTRL_SUM_SCALE - exponentOf(amount.currency));
    }
    const date = tx.IntrBkSttlmDt ?? this.grpHdr?.IntrBkSttlmDt;
    if (date === undefined)
      out.push(
        finding(
          'settlement-date.missing',
          `${path}/IntrBkSttlmDt`,
          'no IntrBkSttlmDt in the transaction nor in GrpHdr',
          index,
        ),
      );
    else {
      if (this.dates.size === 1 && !this.dates.has(date))
        this.otherDateAt =
          tx.IntrBkSttlmDt !== undefined ? `${path}/IntrBkSttlmDt` : `${this.root}/GrpHdr/IntrBkSttlmDt`;
      this.dates.add(date);
      const today = this.ctx.businessDate;
      if (today !== undefined) {
        const from = addDays(today, -p.settlementDaysBeforeMax);
        const to = addDays(today, p.settlementDaysAfterMax);
        if (date < from || date > to)
          out.push(
            finding(
              'profile.settlement-date-window',
              tx.IntrBkSttlmDt !== undefined ? `${path}/IntrBkSttlmDt` : `${this.root}/GrpHdr/IntrBkSttlmDt`,
              `interbank settlement date ${date} is outside ${from} … ${to} (business date ${today})`,
              index,
            ),
          );
      }
    }
    if (p.transactionKeyRequired && shape.uetr(tx) === undefined && shape.reference(tx) === undefined)
      out.push(
        finding(
          'profile.transaction-key',
          this.messageType === 'pacs.004.001.09' ? `${path}/RtrId` : `${path}/PmtId`,
          this.messageType === 'pacs.004.001.09'
            ? 'the return has no RtrId'
            : 'the transaction has neither UETR nor TxId',
          index,
        ),
      );
    this.checkAgents(agentBic(tx.InstgAgt), agentBic(tx.InstdAgt), path, out);
    this.sender ??= agentBic(tx.InstgAgt);
  }

  /**
   * Rules over the whole message; call once after the last transaction. When some transaction
   * amount could not be read (`amountsComplete: false`, that transaction is rejected on its
   * own), the sums cannot be verified and are not checked.
   */
  finish(opts: { amountsComplete?: boolean } = {}): Finding[] {
    const amountsComplete = opts.amountsComplete ?? true;
    const out: Finding[] = [];
    if (
      this.nbOfTxsDeclared !== undefined &&
      (!/^[0-9]{1,15}$/.test(this.nbOfTxsDeclared) || BigInt(this.nbOfTxsDeclared) !== BigInt(this.count))
    )
      out.push(
        finding(
          'group.number-of-transactions',
          this.nbOfTxsPath,
          `NbOfTxs says ${this.nbOfTxsDeclared}, the message holds ${this.count}`,
          null,
        ),
      );
    const grp = this.grpHdr;
    if (grp && this.shape && amountsComplete) {
      if (grp.CtrlSum !== undefined) {
        const declared = scaled(grp.CtrlSum, CTRL_SUM_SCALE);
        if (declared === null || declared !== this.ctrlSum)
          out.push(
            finding(
              'group.control-sum',
              `${this.root}/GrpHdr/CtrlSum`,
              `CtrlSum ${grp.CtrlSum} is not the sum of the ${this.shape.amount} amounts`,
              null,
            ),
          );
      }
      const total = (grp as unknown as Record<string, Money | undefined>)[this.shape.total];
      if (total) {
        // ISO 20022 pacs rules: the total settlement amount, when present, is in the currency
        // of every transaction and equals the sum of their settlement amounts.
        const currencies = [...this.totals.keys()];
        const path = `${this.root}/GrpHdr/${this.shape.total}`;
        if (currencies.some((c) => c !== total.currency))
          out.push(
            finding(
              'group.total-amount',
              path,
              `${this.shape.total} is in ${total.currency}, transactions in ${currencies.join(', ')}`,
              null,
            ),
          );
        else {
          const s = sum(total.currency, this.totals.get(total.currency) ?? []);
          if (compare(s, total) !== 0)
            out.push(
              finding(
                'group.total-amount',
                path,
                `${this.shape.total} is not the sum of the ${this.shape.amount} amounts`,
                null,
              ),
            );
        }
      }
      const p = this.ctx.profile;
      if (p.oneCurrencyPerMessage && this.totals.size > 1)
        out.push(
          finding(
            'profile.one-currency',
            this.otherCurrencyAt ?? `${this.root}/${this.layout.repeating}`,
            `the message mixes currencies ${[...this.totals.keys()].sort().join(', ')}`,
            null,
          ),
        );
      if (p.oneSettlementDatePerMessage && this.dates.size > 1)
        out.push(
          finding(
            'profile.one-settlement-date',
            this.otherDateAt ?? `${this.root}/${this.layout.repeating}`,
            `the message mixes settlement dates ${[...this.dates].sort().join(', ')}`,
            null,
          ),
        );
    }
    return out;
  }

  /** Sender BIC + MsgId (Assgnmt/Id for camt.056 and camt.029). */
  messageKey(parts: Readonly<Record<string, unknown>>): MessageKey | null {
    const msgId =
      (parts.GrpHdr as { MsgId?: string } | undefined)?.MsgId ??
      (parts.Assgnmt as { Id?: string } | undefined)?.Id;
    return messageKey(this.sender, msgId);
  }

  /** The message's sender BIC, as far as known: AppHdr Fr, else the instructing agent. */
  senderBic(): string | undefined {
    return this.sender;
  }
}

/** Runs every rule over a whole message. */
export function checkMessage(msg: AnyMessage, ctx: RuleContext): Finding[] {
  const checker = new MessageChecker(msg.messageType, ctx, msg.appHdr);
  const doc = msg.document as unknown as Record<string, unknown>;
  const { repeating } = checker.layout;
  const out = checker.parts(doc);
  const txs = (doc[repeating] as unknown[] | undefined) ?? [];
  txs.forEach((tx, i) => out.push(...checker.transaction(tx, i)));
  out.push(...checker.finish());
  return out;
}
