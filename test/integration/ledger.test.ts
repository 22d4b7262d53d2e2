/**
 * The ledger on the real databases: the batched writer, reads and the journal's guards, on
 * PostgreSQL and on the embedded PGlite (both must run the migration and the same SQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, money, timeOrderedIds } from '../../src/domain/index.js';
import type { Db } from '../../src/db/index.js';
import {
  balanceAt,
  checkInvariants,
  clearingAccount,
  getAccount,
  getRecord,
  houseAccounts,
  LedgerWriter,
  movements,
  openAccounts,
  participantAccounts,
  setLimit,
  settlementAccount,
  technicalAccount,
  trialBalance,
  type CommandOutcome,
  type Posting,
} from '../../src/ledger/index.pg.js';
import { dropTestDb, openTestDb } from '../helpers/db.js';

const A = 'BANKDEFFXXX';
const B = 'BANKFRPPXXX';
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const eur = (account: string, minor: number): Posting => ({ account, amount: money('EUR', BigInt(minor)) });
const pay = (from: string, to: string, minor: number): Posting[] => [
  eur(clearingAccount(from, 'EUR'), minor),
  eur(clearingAccount(to, 'EUR'), -minor),
];
const status = (o: CommandOutcome) => (o.status === 'rejected' ? `rejected:${o.rejection.rule}` : o.status);

describe.each(['pg', 'pglite'] as const)('ledger on %s', (kind) => {
  let db: Db;
  const clock = new ManualClock(T0);
  let writer: LedgerWriter;

  beforeAll(async () => {
    db = await openTestDb(kind, `ledger_${kind}`);
    await openAccounts(
      db,
      [...houseAccounts('EUR'), ...participantAccounts(A, 'EUR'), ...participantAccounts(B, 'EUR')],
      T0,
    );
    for (const p of [A, B])
      await db.transaction(async (tx) => {
        const r = await setLimit(
          tx,
          clearingAccount(p, 'EUR'),
          { netDebitCapMinor: 100_000n, prefundedMinor: 20_000n },
          { nowMs: T0, actor: 'test', reason: 'onboarding' },
        );
        expect(r.ok).toBe(true);
      });
    writer = new LedgerWriter(db, { clock, ids: timeOrderedIds(clock, 1), batchSizeMax: 50 });
  }, 120_000);

  afterAll(async () => {
    await writer?.close();
    if (db) await dropTestDb(db);
  });

  it('opens accounts once and keeps limits with an audit trail', async () => {
    expect(await openAccounts(db, participantAccounts(A, 'EUR'), T0)).toEqual([]);
    const a = await getAccount(db, clearingAccount(A, 'EUR'));
    expect(a).toMatchObject({ kind: 'clearing', participant: A, currency: 'EUR' });
    expect(a?.limit?.netDebitCap.minor).toBe(100_000n);
    expect(a?.available?.minor).toBe(120_000n);
    expect(await getAccount(db, settlementAccount(A, 'EUR'))).toMatchObject({ limit: null, available: null });
    const audit = await db.query(`SELECT count(*) AS n FROM audit_log WHERE action = 'ledger.limit.set'`);
    expect(audit.rows[0]?.n).toBe('2');
  });

  it('applies concurrent submissions in batches and answers each after commit', async () => {
    clock.set(T0 + 60_000);
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        writer.transfer({
          key: `t-${i}`,
          postings: pay(i % 2 ? A : B, i % 2 ? B : A, 100 + i),
          links: { paymentId: `pay-${i}` },
          refs: { uetr: `uetr-${i}`, endToEndId: `e2e-${i}` },
        }),
      ),
    );
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    // odd i: A pays B (100+i), even i: B pays A
    let a = 0;
    for (let i = 0; i < 120; i++) a += i % 2 ? 100 + i : -(100 + i);
    expect((await getAccount(db, clearingAccount(A, 'EUR')))?.posted.minor).toBe(BigInt(a));
    expect((await getAccount(db, clearingAccount(B, 'EUR')))?.posted.minor).toBe(BigInt(-a));
  });

  it('reserves against the limit, posts in full, voids once, and refuses beyond the limit with AM04', async () => {
    clock.set(T0 + 120_000);
    const r1 = await writer.reserve({
      key: 'r-1',
      postings: pay(A, B, 110_000),
      links: { paymentId: 'big' },
    });
    expect(r1.status).toBe('accepted');
    const over = await writer.reserve({ key: 'r-2', postings: pay(A, B, 20_000) });
    expect(over).toMatchObject({ status: 'rejected', rejection: { reason: 'AM04', rule: 'limit.exceeded' } });
    expect((await getAccount(db, clearingAccount(A, 'EUR')))?.pendingDebits.minor).toBe(110_000n);
    const [v, again, p] = await Promise.all([
      writer.void({ key: 'v-1', pendingKey: 'r-1', reason: 'left the cycle' }),
      writer.post({ key: 'p-1', pendingKey: 'r-1' }),
      writer.reserve({ key: 'r-3', postings: pay(A, B, 20_000) }),
    ]);
    expect([v, again, p].map(status)).toEqual(['accepted', 'rejected:pending.already_voided', 'accepted']);
    const posted = await writer.post({ key: 'p-3', pendingKey: 'r-3', links: { cycleId: 'cy-1' } });
    expect(posted.status).toBe('accepted');
    const a = await getAccount(db, clearingAccount(A, 'EUR'));
    expect(a?.pendingDebits.minor).toBe(0n);
    expect((await getAccount(db, clearingAccount(B, 'EUR')))?.pendingCredits.minor).toBe(0n);
  });

  it('stores text with quotes, backslashes, commas and braces exactly', async () => {
    const key = "we\"ird\\key, {NULL} 'x'";
    const out = await writer.transfer({
      key,
      postings: pay(A, B, 1),
      description: 'a "quoted", {braced} \\ text',
      links: { paymentId: 'NULL' },
    });
    expect(out.status).toBe('accepted');
    const back = await getRecord(db, key);
    expect(back).toMatchObject({
      key,
      description: 'a "quoted", {braced} \\ text',
      links: { paymentId: 'NULL' },
    });
    expect(
      (
        await writer.transfer({
          key,
          postings: pay(A, B, 1),
          description: 'a "quoted", {braced} \\ text',
          links: { paymentId: 'NULL' },
        })
      ).status,
    ).toBe('replayed');
    await writer.transfer({ key: `${key}-undo`, postings: pay(B, A, 1), links: { correctsKey: key } });
  });

  it('replays return the first record and change nothing; a changed replay is AM05', async () => {
    const before = await trialBalance(db);
    const first = await getRecord(db, 't-7');
    const again = await writer.transfer({
      key: 't-7',
      postings: pay(A, B, 107),
      links: { paymentId: 'pay-7' },
      refs: { uetr: 'uetr-7', endToEndId: 'e2e-7' },
    });
    expect(again.status).toBe('replayed');
    expect(again.status === 'replayed' && again.record).toEqual(first);
    const voidAgain = await writer.void({ key: 'v-1', pendingKey: 'r-1', reason: 'left the cycle' });
    expect(voidAgain.status).toBe('replayed');
    const postAgain = await writer.post({ key: 'p-3', pendingKey: 'r-3', links: { cycleId: 'cy-1' } });
    expect(postAgain.status).toBe('replayed');
    const changed = await writer.transfer({ key: 't-7', postings: pay(A, B, 108) });
    expect(changed).toMatchObject({ status: 'rejected', rejection: { reason: 'AM05' } });
    expect(await trialBalance(db)).toEqual(before);
  });

  it('settles atomically through the technical account and reads movements for camt', async () => {
    clock.set(T0 + 3_600_000);
    const tech = technicalAccount('EUR');
    const netA = (await getAccount(db, clearingAccount(A, 'EUR')))!.posted.minor;
    const n = Number(netA); // A's net debit position (> 0: A pays in)
    const [payer, payee] = n > 0 ? [A, B] : [B, A];
    const amt = Math.abs(n);
    const out = await writer.submitAtomic([
      {
        kind: 'transfer',
        key: 'pay-in',
        postings: [eur(settlementAccount(payer, 'EUR'), amt), eur(tech, -amt)],
        links: { cycleId: 'cy-1', statementRef: 'STMT-1' },
        refs: { endToEndId: 'CYCLE1-IN' },
      },
      {
        kind: 'transfer',
        key: 'pay-out',
        postings: [eur(tech, amt), eur(settlementAccount(payee, 'EUR'), -amt)],
        links: { cycleId: 'cy-1' },
        refs: { endToEndId: 'CYCLE1-OUT' },
      },
      {
        kind: 'transfer',
        key: 'square',
        postings: [eur(clearingAccount(payer, 'EUR'), -amt), eur(clearingAccount(payee, 'EUR'), amt)],
        links: { cycleId: 'cy-1' },
      },
    ]);
    expect(out.map(status)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const p of [A, B]) expect((await getAccount(db, clearingAccount(p, 'EUR')))?.posted.minor).toBe(0n);
    const m = await movements(db, tech, { fromMs: T0 + 3_000_000, toMs: T0 + 3_600_000 });
    expect(m?.opening.minor).toBe(0n);
    expect(m?.closing.minor).toBe(0n);
    expect(m?.movements.map((x) => [x.key, x.amount.minor, x.refs.endToEndId, x.counterparties])).toEqual([
      ['pay-in', BigInt(-amt), 'CYCLE1-IN', [settlementAccount(payer, 'EUR')]],
      ['pay-out', BigInt(amt), 'CYCLE1-OUT', [settlementAccount(payee, 'EUR')]],
    ]);
    expect(m?.movements[0]?.valueDate).toBe('2025-01-06');
    const payerMoves = await movements(db, clearingAccount(payer, 'EUR'), {
      fromMs: T0,
      toMs: T0 + 3_600_000,
    });
    expect(payerMoves?.opening.minor).toBe(0n);
    expect(payerMoves?.closing.minor).toBe(0n);
    const sum = payerMoves!.movements.reduce((s, x) => s + x.amount.minor, 0n);
    expect(sum).toBe(0n);
    expect(payerMoves?.movements.find((x) => x.key === 't-1')?.refs).toEqual({
      uetr: 'uetr-1',
      endToEndId: 'e2e-1',
    });
    const truncated = await movements(db, clearingAccount(payer, 'EUR'), {
      fromMs: T0,
      toMs: T0 + 3_600_000,
      rowsMax: 3,
    });
    expect(truncated?.complete).toBe(false);
    expect(truncated?.movements).toHaveLength(3);
  });

  it('answers the balance as of any instant', async () => {
    const id = clearingAccount(A, 'EUR');
    expect((await balanceAt(db, id, T0))?.minor).toBe(0n);
    const afterTransfers = await balanceAt(db, id, T0 + 60_000);
    let a = 0;
    for (let i = 0; i < 120; i++) a += i % 2 ? 100 + i : -(100 + i);
    expect(afterTransfers?.minor).toBe(BigInt(a));
    expect((await balanceAt(db, id, T0 + 3_600_000))?.minor).toBe(0n);
    const tb = await trialBalance(db, { atMs: T0 + 60_000 });
    expect(tb.totals).toEqual([
      {
        currency: 'EUR',
        debit: money('EUR', BigInt(Math.abs(a))),
        credit: money('EUR', BigInt(Math.abs(a))),
        difference: money('EUR', 0n),
      },
    ]);
  });

  it('proves its invariants, and notices a balance changed behind its back', async () => {
    const report = await checkInvariants(db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.currencies[0]).toMatchObject({ currency: 'EUR', posted: 0n });
    await db.query(`UPDATE ledger_account SET posted = posted + 1 WHERE id = $1`, [technicalAccount('EUR')]);
    const broken = await checkInvariants(db);
    expect(broken.ok).toBe(false);
    expect(broken.problems.join('\n')).toMatch(
      /technical:EUR: stored posted 0\.01 but its postings sum to 0\.00/,
    );
    await db.query(`UPDATE ledger_account SET posted = posted - 1 WHERE id = $1`, [technicalAccount('EUR')]);
    expect((await checkInvariants(db)).ok).toBe(true);
  });
});
