import { describe, expect, it } from 'vitest';
import { money, type Money } from '../../src/domain/index.js';
import {
  applyCommands,
  clearingAccount,
  houseAccounts,
  MemoryLedger,
  parseAccountId,
  participantAccounts,
  settlementAccount,
  settlementCommands,
  technicalAccount,
  validateCommand,
  type Command,
  type CommandOutcome,
  type Posting,
} from '../../src/ledger/index.js';

const A = 'BANKDEFFXXX';
const B = 'BANKFRPPXXX';
const C = 'BANKITMMXXX';
const eur = (minor: bigint | number): Money => money('EUR', BigInt(minor));
const leg = (account: string, minor: bigint | number, ccy = 'EUR'): Posting => ({
  account,
  amount: money(ccy, BigInt(minor)),
});
/** A pays B: debit A's clearing position, credit B's. */
const pay = (from: string, to: string, minor: number): Posting[] => [
  leg(clearingAccount(from, 'EUR'), minor),
  leg(clearingAccount(to, 'EUR'), -minor),
];

function ledger(capMinor = 1_000n, prefundedMinor = 0n): MemoryLedger {
  const l = new MemoryLedger();
  l.open([...houseAccounts('EUR'), ...[A, B, C].flatMap((p) => participantAccounts(p, 'EUR'))]);
  for (const p of [A, B, C])
    l.setLimit(clearingAccount(p, 'EUR'), { netDebitCapMinor: capMinor, prefundedMinor });
  return l;
}

let n = 0;
const ids = () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`;

function run(l: MemoryLedger, ...cmds: Command[]): CommandOutcome[] {
  return l.apply(
    cmds.map((c) => [c]),
    1_700_000_000_000,
    ids,
  ).outcomes;
}

const posted = (l: MemoryLedger, id: string) => l.accounts.get(id)!.posted;

describe('chart of accounts', () => {
  it('builds stable, meaningful ids and reads them back', () => {
    expect(clearingAccount('BANKDEFF', 'EUR')).toBe('clearing:BANKDEFFXXX:EUR');
    expect(settlementAccount(A, 'EUR')).toBe('settlement:BANKDEFFXXX:EUR');
    expect(technicalAccount('EUR')).toBe('technical:EUR');
    expect(houseAccounts('CHF').map((a) => a.id)).toEqual(['technical:CHF', 'suspense:CHF', 'returns:CHF']);
    const p = parseAccountId('clearing:BANKDEFFXXX:EUR');
    expect(p).toEqual({
      ok: true,
      value: { id: 'clearing:BANKDEFFXXX:EUR', kind: 'clearing', participant: A, currency: 'EUR' },
    });
    expect(parseAccountId('clearing:BANKDEFF:EUR').ok).toBe(false);
    expect(parseAccountId('technical:XXX').ok).toBe(false);
    expect(parseAccountId('nostro:EUR').ok).toBe(false);
    expect(() => clearingAccount('not a bic', 'EUR')).toThrow(RangeError);
    expect(() => technicalAccount('EURO')).toThrow(RangeError);
  });
});

describe('validateCommand', () => {
  const t = (postings: Posting[], extra: Partial<Command> = {}): Command =>
    ({ kind: 'transfer', key: 'k1', postings, ...extra }) as Command;

  it('accepts a balanced entry, also across currencies when each balances', () => {
    expect(validateCommand(t(pay(A, B, 10)))).toBeNull();
    expect(
      validateCommand(t([...pay(A, B, 10), leg('technical:USD', 5, 'USD'), leg('suspense:USD', -5, 'USD')])),
    ).toBeNull();
  });

  it('refuses unbalanced, single-leg, zero and oversized postings', () => {
    expect(validateCommand(t([leg('technical:EUR', 10), leg('suspense:EUR', -9)]))?.rule).toBe(
      'entry.unbalanced',
    );
    expect(validateCommand(t([leg('technical:EUR', 10), leg('suspense:USD', -10, 'USD')]))?.rule).toBe(
      'entry.unbalanced',
    );
    expect(validateCommand(t([leg('technical:EUR', 0), leg('suspense:EUR', 0)]))?.reason).toBe('AM01');
    expect(
      validateCommand(t([leg('technical:EUR', 10n ** 18n), leg('suspense:EUR', -(10n ** 18n))]))?.reason,
    ).toBe('AM12');
    expect(validateCommand(t([]))?.rule).toBe('entry.posting_count');
    expect(validateCommand(t([leg('technical:EUR', 0)]))?.rule).toBe('entry.posting_count');
  });

  it('refuses bad keys, value dates and over-long references', () => {
    expect(validateCommand(t(pay(A, B, 1), { key: '' }))?.rule).toBe('key.invalid');
    expect(validateCommand(t(pay(A, B, 1), { key: 'x'.repeat(257) }))?.rule).toBe('key.invalid');
    expect(validateCommand(t(pay(A, B, 1), { valueDate: '2024-13-01' } as Partial<Command>))?.reason).toBe(
      'DT01',
    );
    expect(
      validateCommand(t(pay(A, B, 1), { refs: { endToEndId: 'e'.repeat(36) } } as Partial<Command>))?.rule,
    ).toBe('text.length');
    expect(validateCommand({ kind: 'post', key: 'p', pendingKey: 'p' })?.rule).toBe('pending.self');
  });
});

describe('applyBatch', () => {
  it('posts a transfer, nets deltas per account and keeps every currency at zero', () => {
    const l = ledger();
    const r = l.apply(
      [
        [{ kind: 'transfer', key: 't1', postings: pay(A, B, 300) }],
        [{ kind: 'transfer', key: 't2', postings: pay(A, B, 200) }],
        [{ kind: 'transfer', key: 't3', postings: pay(B, A, 100) }],
      ],
      1,
      ids,
    );
    expect(r.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(r.entries).toHaveLength(3);
    // three entries, two accounts: two netted deltas
    expect(r.deltas).toEqual([
      { id: clearingAccount(A, 'EUR'), currency: 'EUR', posted: 400n, pendingDebits: 0n, pendingCredits: 0n },
      {
        id: clearingAccount(B, 'EUR'),
        currency: 'EUR',
        posted: -400n,
        pendingDebits: 0n,
        pendingCredits: 0n,
      },
    ]);
    expect(l.audit().ok).toBe(true);
  });

  it('refuses a debit beyond net debit cap + prefunded with AM04, and admits up to it', () => {
    const l = ledger(1_000n, 500n);
    const [ok1, tooMuch, exact] = run(
      l,
      { kind: 'transfer', key: 'a', postings: pay(A, B, 1_000) },
      { kind: 'transfer', key: 'b', postings: pay(A, B, 501) },
      { kind: 'transfer', key: 'c', postings: pay(A, B, 500) },
    );
    expect(ok1?.status).toBe('accepted');
    expect(tooMuch).toMatchObject({
      status: 'rejected',
      rejection: { rule: 'limit.exceeded', reason: 'AM04' },
    });
    expect(exact?.status).toBe('accepted');
    expect(posted(l, clearingAccount(A, 'EUR'))).toBe(1_500n);
  });

  it('counts reservations against the limit; post keeps the exposure, void frees it', () => {
    const l = ledger(1_000n);
    const out = run(
      l,
      {
        kind: 'reserve',
        key: 'r1',
        postings: pay(A, B, 700),
        links: { paymentId: 'p1' },
        refs: { uetr: 'u1' },
      },
      { kind: 'reserve', key: 'r2', postings: pay(A, C, 400) }, // 700 + 400 > 1000
      { kind: 'void', key: 'v1', pendingKey: 'r1', reason: 'left the cycle' },
      { kind: 'reserve', key: 'r3', postings: pay(A, C, 400) },
      { kind: 'post', key: 'p3', pendingKey: 'r3', links: { cycleId: 'c1' } },
    );
    expect(out.map((o) => (o.status === 'rejected' ? o.rejection.reason : o.status))).toEqual([
      'accepted',
      'AM04',
      'accepted',
      'accepted',
      'accepted',
    ]);
    const a = l.accounts.get(clearingAccount(A, 'EUR'))!;
    expect(a).toMatchObject({ posted: 400n, pendingDebits: 0n, pendingCredits: 0n });
    expect(l.accounts.get(clearingAccount(B, 'EUR'))).toMatchObject({ posted: 0n, pendingCredits: 0n });
    const post = out[4]!;
    expect(post.status === 'accepted' && post.record.kind === 'post' && post.record.pendingKey).toBe('r3');
    expect(l.audit()).toMatchObject({ ok: true, problems: [] });
  });

  it('a posted entry inherits the reservation references and merges links', () => {
    const l = ledger();
    const [, p] = run(
      l,
      {
        kind: 'reserve',
        key: 'r',
        postings: pay(A, B, 5),
        links: { paymentId: 'pay-1' },
        refs: { uetr: 'u' },
      },
      { kind: 'post', key: 'p', pendingKey: 'r', links: { cycleId: 'cy-1' } },
    );
    expect(p?.status === 'accepted' && p.record.kind === 'post' && p.record).toMatchObject({
      links: { paymentId: 'pay-1', cycleId: 'cy-1' },
      refs: { uetr: 'u' },
      postings: pay(A, B, 5),
    });
  });

  it('resolves a reservation once: second post, void after post and post after void are refused', () => {
    const l = ledger();
    const out = run(
      l,
      { kind: 'reserve', key: 'r1', postings: pay(A, B, 10) },
      { kind: 'post', key: 'p1', pendingKey: 'r1' },
      { kind: 'post', key: 'p1b', pendingKey: 'r1' },
      { kind: 'void', key: 'v1', pendingKey: 'r1', reason: 'x' },
      { kind: 'reserve', key: 'r2', postings: pay(A, B, 10) },
      { kind: 'void', key: 'v2', pendingKey: 'r2', reason: 'rejected' },
      { kind: 'post', key: 'p2', pendingKey: 'r2' },
      { kind: 'post', key: 'p3', pendingKey: 'nope' },
      { kind: 'post', key: 'p4', pendingKey: 'p1' },
    );
    expect(out.map((o) => (o.status === 'rejected' ? o.rejection.rule : o.status))).toEqual([
      'accepted',
      'accepted',
      'pending.already_posted',
      'pending.already_posted',
      'accepted',
      'accepted',
      'pending.already_voided',
      'pending.unknown',
      'pending.not_reservation',
    ]);
    expect(l.audit().ok).toBe(true);
  });

  it('a replay returns the first record and changes nothing; other content under the key is AM05', () => {
    const l = ledger();
    const cmd: Command = { kind: 'transfer', key: 'k', postings: pay(A, B, 10), links: { paymentId: 'p' } };
    const [first] = run(l, cmd);
    const before = structuredClone([...l.accounts.entries()]);
    const r = l.apply([[cmd], [{ ...cmd }]], 2, ids);
    expect(r.outcomes.map((o) => o.status)).toEqual(['replayed', 'replayed']);
    expect(
      r.outcomes[0]!.status === 'replayed' && first!.status === 'accepted' && r.outcomes[0]!.record,
    ).toBe(first!.status === 'accepted' ? first!.record : null);
    expect(r.entries).toEqual([]);
    expect(r.deltas).toEqual([]);
    expect([...l.accounts.entries()]).toEqual(before);
    const [conflict] = run(l, { ...cmd, postings: pay(A, B, 11) });
    expect(conflict).toMatchObject({
      status: 'rejected',
      rejection: { rule: 'idempotency.conflict', reason: 'AM05' },
    });
    const [kindConflict] = run(l, {
      kind: 'reserve',
      key: 'k',
      postings: pay(A, B, 10),
      links: { paymentId: 'p' },
    });
    expect(kindConflict?.status).toBe('rejected');
  });

  it('replays posts and voids, and refuses a void replayed with another reason', () => {
    const l = ledger();
    run(
      l,
      { kind: 'reserve', key: 'r1', postings: pay(A, B, 10) },
      { kind: 'post', key: 'p1', pendingKey: 'r1' },
      { kind: 'reserve', key: 'r2', postings: pay(A, B, 10) },
      { kind: 'void', key: 'v2', pendingKey: 'r2', reason: 'left cycle' },
    );
    const out = run(
      l,
      { kind: 'post', key: 'p1', pendingKey: 'r1' },
      { kind: 'void', key: 'v2', pendingKey: 'r2', reason: 'left cycle' },
      { kind: 'void', key: 'v2', pendingKey: 'r2', reason: 'other' },
    );
    expect(out.map((o) => o.status)).toEqual(['replayed', 'replayed', 'rejected']);
  });

  it('refuses unknown accounts and a currency the account is not kept in (AM03)', () => {
    const l = ledger();
    const out = run(
      l,
      {
        kind: 'transfer',
        key: 'u',
        postings: [leg(clearingAccount('BANKGB2LXXX', 'EUR'), 5), leg('technical:EUR', -5)],
      },
      {
        kind: 'transfer',
        key: 'c',
        postings: [leg('technical:EUR', 5, 'USD'), leg('suspense:EUR', -5, 'USD')],
      },
    );
    expect(out[0]).toMatchObject({ status: 'rejected', rejection: { rule: 'account.unknown' } });
    expect(out[1]).toMatchObject({ status: 'rejected', rejection: { reason: 'AM03' } });
  });

  it('lets a participant above a lowered limit still be paid and have reservations voided', () => {
    const l = ledger(1_000n);
    run(l, { kind: 'reserve', key: 'r', postings: pay(A, B, 900) });
    l.setLimit(clearingAccount(A, 'EUR'), { netDebitCapMinor: 100n, prefundedMinor: 0n });
    const out = run(
      l,
      { kind: 'transfer', key: 'in', postings: pay(B, A, 50) },
      { kind: 'transfer', key: 'outx', postings: pay(A, C, 1) },
      { kind: 'post', key: 'p', pendingKey: 'r' },
    );
    expect(out.map((o) => o.status)).toEqual(['accepted', 'rejected', 'accepted']);
  });

  it('applies an atomic unit all or nothing', () => {
    const l = ledger(1_000n);
    const r = l.apply(
      [
        [
          { kind: 'transfer', key: 'g1', postings: pay(A, B, 600) },
          { kind: 'transfer', key: 'g2', postings: pay(A, C, 600) }, // 1200 > 1000
        ],
        [{ kind: 'transfer', key: 'solo', postings: pay(A, C, 600) }],
      ],
      1,
      ids,
    );
    expect(r.outcomes.map((o) => (o.status === 'rejected' ? o.rejection.rule : o.status))).toEqual([
      'unit.aborted',
      'limit.exceeded',
      'accepted',
    ]);
    expect(r.entries.map((e) => e.key)).toEqual(['solo']);
    expect(posted(l, clearingAccount(A, 'EUR'))).toBe(600n);
    expect(l.records.has('g1')).toBe(false);
  });

  it('books a correction as a new linked entry and refuses one naming nothing', () => {
    const l = ledger();
    run(l, { kind: 'transfer', key: 'orig', postings: pay(A, B, 10) });
    const [fix, bad] = run(
      l,
      { kind: 'transfer', key: 'fix', postings: pay(B, A, 10), links: { correctsKey: 'orig' } },
      { kind: 'transfer', key: 'bad', postings: pay(B, A, 10), links: { correctsKey: 'nothing' } },
    );
    const orig = l.records.get('orig')!;
    expect(fix?.status === 'accepted' && fix.record.kind === 'transfer' && fix.record.correctsId).toBe(
      orig.kind === 'transfer' ? orig.id : 'x',
    );
    expect(bad).toMatchObject({ status: 'rejected', rejection: { rule: 'corrects.unknown' } });
  });

  it('settles a cycle: pay-ins and pay-outs through the technical account, positions squared', () => {
    const l = ledger(1_000n);
    run(
      l,
      { kind: 'reserve', key: 'r1', postings: pay(A, B, 300) },
      { kind: 'reserve', key: 'r2', postings: pay(B, C, 100) },
    );
    const tech = technicalAccount('EUR');
    const units: Command[] = [
      { kind: 'post', key: 's1', pendingKey: 'r1', links: { cycleId: 'c' } },
      { kind: 'post', key: 's2', pendingKey: 'r2', links: { cycleId: 'c' } },
      // A net -300: pays in; B net +200, C net +100: paid out
      { kind: 'transfer', key: 'in-A', postings: [leg(settlementAccount(A, 'EUR'), 300), leg(tech, -300)] },
      { kind: 'transfer', key: 'out-B', postings: [leg(tech, 200), leg(settlementAccount(B, 'EUR'), -200)] },
      { kind: 'transfer', key: 'out-C', postings: [leg(tech, 100), leg(settlementAccount(C, 'EUR'), -100)] },
      {
        kind: 'transfer',
        key: 'square',
        postings: [
          leg(clearingAccount(A, 'EUR'), -300),
          leg(clearingAccount(B, 'EUR'), 200),
          leg(clearingAccount(C, 'EUR'), 100),
        ],
      },
    ];
    const r = l.apply([units], 2, ids);
    expect(r.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    for (const p of [A, B, C]) expect(posted(l, clearingAccount(p, 'EUR'))).toBe(0n);
    expect(posted(l, tech)).toBe(0n);
    expect(posted(l, settlementAccount(A, 'EUR'))).toBe(300n);
    expect(l.audit().ok).toBe(true);
  });

  it('refuses a balance that would leave the int8 range', () => {
    const l = ledger();
    const big = 10n ** 18n - 1n;
    const out = run(
      l,
      ...Array.from({ length: 10 }, (_, i): Command => ({
        kind: 'transfer',
        key: `big${i}`,
        postings: [leg('technical:EUR', big), leg('suspense:EUR', -big)],
      })),
    );
    expect(out.slice(0, 9).every((o) => o.status === 'accepted')).toBe(true);
    expect(out[9]).toMatchObject({ status: 'rejected', rejection: { rule: 'balance.overflow' } });
  });

  it('the audit notices a stored balance that disagrees with its postings', () => {
    const l = ledger();
    run(l, { kind: 'transfer', key: 'a', postings: pay(A, B, 10) });
    const id = clearingAccount(A, 'EUR');
    l.accounts.set(id, { ...l.accounts.get(id)!, posted: 11n });
    const report = l.audit();
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/stored posted 0\.11 but its postings sum to 0\.10/);
    expect(report.problems.join('\n')).toMatch(/EUR: posted balances sum to 0\.01/);
  });

  it('applyCommands decides against the view only', () => {
    const r = applyCommands(
      { accounts: new Map(), records: new Map(), resolutions: new Map() },
      [{ kind: 'transfer', key: 'x', postings: pay(A, B, 1) }],
      { nowMs: 0, newId: ids },
    );
    expect(r.outcomes[0]).toMatchObject({ status: 'rejected', rejection: { rule: 'account.unknown' } });
    expect(eur(1).minor).toBe(1n);
  });
});

describe('settlementCommands', () => {
  it('posts the cycle, pays in and out through the technical account and squares positions, once', () => {
    const l = ledger(10_000n);
    const payments: Array<[string, string, number]> = [
      [A, B, 700],
      [B, C, 200],
      [C, A, 100],
      [A, C, 50],
    ];
    run(
      l,
      ...payments.map(([f, t, m], i): Command => ({ kind: 'reserve', key: `r${i}`, postings: pay(f, t, m) })),
    );
    const net = new Map<string, bigint>([A, B, C].map((p) => [p, 0n]));
    for (const [f, t, m] of payments) {
      net.set(f, net.get(f)! - BigInt(m));
      net.set(t, net.get(t)! + BigInt(m));
    }
    const cmds = settlementCommands({
      cycleId: 'cy-7',
      currency: 'EUR',
      positions: [...net].map(([participant, netMinor]) => ({ participant, netMinor })),
      reservationKeys: payments.map((_, i) => `r${i}`),
    });
    const r = l.apply([cmds], 5, ids);
    expect(r.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    for (const p of [A, B, C]) {
      expect(posted(l, clearingAccount(p, 'EUR'))).toBe(0n);
      expect(posted(l, settlementAccount(p, 'EUR'))).toBe(-net.get(p)!);
    }
    expect(posted(l, technicalAccount('EUR'))).toBe(0n);
    expect(l.audit().ok).toBe(true);
    // settling the same cycle again is a replay
    expect(l.apply([cmds], 6, ids).outcomes.every((o) => o.status === 'replayed')).toBe(true);
  });

  it('refuses net positions that do not sum to zero', () => {
    expect(() =>
      settlementCommands({
        cycleId: 'x',
        currency: 'EUR',
        positions: [{ participant: A, netMinor: 5n }],
        reservationKeys: [],
      }),
    ).toThrow(/sum to 5/);
  });
});
