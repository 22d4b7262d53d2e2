/**
 * The commands that settle a netting cycle, built the one way the chart of accounts intends
 * (docs/ledger.md): post every reservation of the cycle, then per net debtor a pay-in from its
 * settlement account to the technical account, per net creditor a pay-out from the technical
 * account to its settlement account, and one squaring entry that takes the cycle's net positions
 * off the clearing accounts. Submit the result with LedgerWriter.submitAtomic: all or nothing.
 *
 * Keys derive from the cycle id, so settling the same cycle twice is a replay, not a second
 * settlement. The pay-in and pay-out entries are what the settlement bank's camt.053 for the
 * technical account will show, one statement entry each.
 */
import { assert, bic11, type Money } from '../domain/index.js';
import { clearingAccount, settlementAccount, technicalAccount } from './accounts.js';
import type { Command, Posting } from './journal.js';

export interface NetPosition {
  /** BIC of the participant. */
  readonly participant: string;
  /** What the participant receives (> 0, net creditor) or pays (< 0, net debtor), minor units. */
  readonly netMinor: bigint;
}

export interface CycleSettlement {
  readonly cycleId: string;
  readonly currency: string;
  readonly positions: readonly NetPosition[];
  /** Idempotency keys of the cycle's reservations, posted first. */
  readonly reservationKeys: readonly string[];
  /** Value date of the settlement (ISO date), if not the booking date. */
  readonly valueDate?: string;
}

export function settlementCommands(s: CycleSettlement): Command[] {
  const amount = (minor: bigint): Money => ({ currency: s.currency, minor });
  let total = 0n;
  const seen = new Set<string>();
  for (const p of s.positions) {
    total += p.netMinor;
    const bic = bic11(p.participant);
    assert(!seen.has(bic), () => `cycle ${s.cycleId}: ${bic} has two net positions`);
    seen.add(bic);
  }
  assert(total === 0n, () => `cycle ${s.cycleId}: net positions in ${s.currency} sum to ${total}, not zero`);
  const links = { cycleId: s.cycleId };
  const dated = s.valueDate === undefined ? {} : { valueDate: s.valueDate };
  const tech = technicalAccount(s.currency);
  const out: Command[] = s.reservationKeys.map((k) => ({
    kind: 'post',
    key: `${s.cycleId}:post:${k}`,
    pendingKey: k,
    links,
    ...dated,
  }));
  const square: Posting[] = [];
  const moving = [...s.positions]
    .filter((p) => p.netMinor !== 0n)
    .sort((a, b) => (a.participant < b.participant ? -1 : 1));
  for (const p of moving) {
    const bic = bic11(p.participant);
    const settlement = settlementAccount(bic, s.currency);
    if (p.netMinor < 0n) {
      const owed = -p.netMinor;
      out.push({
        kind: 'transfer',
        key: `${s.cycleId}:pay-in:${bic}`,
        postings: [
          { account: settlement, amount: amount(owed) },
          { account: tech, amount: amount(-owed) },
        ],
        links,
        description: `cycle ${s.cycleId} pay-in`,
        ...dated,
      });
    } else {
      out.push({
        kind: 'transfer',
        key: `${s.cycleId}:pay-out:${bic}`,
        postings: [
          { account: tech, amount: amount(p.netMinor) },
          { account: settlement, amount: amount(-p.netMinor) },
        ],
        links,
        description: `cycle ${s.cycleId} pay-out`,
        ...dated,
      });
    }
    // the clearing account holds +owed for a debtor and -received for a creditor: reverse it
    square.push({ account: clearingAccount(bic, s.currency), amount: amount(p.netMinor) });
  }
  if (square.length > 0)
    out.push({
      kind: 'transfer',
      key: `${s.cycleId}:square`,
      postings: square,
      links,
      description: `cycle ${s.cycleId} positions settled`,
      ...dated,
    });
  return out;
}
