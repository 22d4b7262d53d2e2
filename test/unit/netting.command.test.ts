import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInstanceText, runNet, type NetIo } from '../../src/netting/index.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'netting');

/** A real file reader over the fixtures folder, and captured stdout/stderr. */
function io(files: Record<string, string> = {}): NetIo & { out: string; err: string } {
  const sink = {
    out: '',
    err: '',
    readFile: async (path: string): Promise<string> =>
      path in files ? files[path]! : readFile(join(fixtures, path), 'utf8'),
    stdout: (t: string): void => {
      sink.out += t;
    },
    stderr: (t: string): void => {
      sink.err += t;
    },
  };
  return sink;
}

describe('isoclear net', () => {
  it('prints the contract example exactly (fields of cli.md, amounts as decimal strings)', async () => {
    const x = io();
    expect(await runNet(['cli-example.json'], x)).toBe(0);
    expect(x.out.endsWith('\n')).toBe(true);
    expect(x.out.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(x.out);
    expect(out).toMatchObject({
      settled: ['p1'],
      deferred: [],
      settledValue: '1200.50',
      positions: { BANKDEFFXXX: '-1200.50', BANKFRPPXXX: '1200.50' },
      upperBound: '1200.50',
      gap: '0.000000',
      method: 'all-fit',
      optimal: true,
    });
    expect(Object.keys(out.positions)).toEqual(['BANKDEFFXXX', 'BANKFRPPXXX']);
    expect(x.err).toBe('');
  });

  it('resolves the three-bank gridlock and keeps every id exactly once', async () => {
    const x = io();
    expect(await runNet(['--time-limit-ms', '5000', 'gridlock-three-banks.json'], x)).toBe(0);
    const out = JSON.parse(x.out);
    expect(out.settled).toEqual(['de-fr', 'fr-it', 'it-de']);
    expect(out.deferred).toEqual(['de-it-first']);
    expect(out.settledValue).toBe('3000.00');
    expect(out.positions).toEqual({ BANKDEFFXXX: '0.00', BANKFRPPXXX: '0.00', BANKITMMXXX: '0.00' });
    expect(out.upperBound).toBe('3000.00');
    expect(out.optimal).toBe(true);
  });

  it('settles the urgent payment first', async () => {
    const x = io();
    expect(await runNet(['--time-limit-ms=2000', '--deterministic', 'urgent-first.json'], x)).toBe(0);
    const out = JSON.parse(x.out);
    expect(out.settled).toEqual(['urgent']);
    expect(out.deferred).toEqual(['normal']);
    const sum = Object.values(out.positions as Record<string, string>).reduce(
      (a, v) => a + BigInt(v.replace('.', '')),
      0n,
    );
    expect(sum).toBe(0n);
  });

  it.each([
    ['amount-too-precise.invalid.json', /payments\[0\]\.amount: 12\.345 has 3 decimals; EUR allows 2/],
    ['amount-as-number.invalid.json', /payments\[0\]\.amount: must be a decimal string/],
    ['duplicate-payment-id.invalid.json', /payments\[1\]\.id: payment "p1" appears twice/],
    ['misspelt-field.invalid.json', /payments\[0\]\.urgnet: unknown field "urgnet"/],
    ['negative-limit.invalid.json', /participants\[0\]\.limit: negative amount/],
  ])('exits 2 on a malformed instance: %s', async (file, message) => {
    const x = io();
    expect(await runNet([file], x)).toBe(2);
    expect(x.out).toBe('');
    expect(x.err).toMatch(message);
  });

  it('exits 2 on JSON that is not an instance', async () => {
    const cases: Record<string, RegExp> = {
      'a.json': /not valid JSON/,
      'b.json': /must be a JSON object/,
      'c.json': /currency: .*not an active ISO 4217 currency/,
      'd.json': /payments: is missing/,
      'e.json': /payments\[0\]\.to: payment to its own sender/,
      'f.json': /payments\[0\]\.amount: must be greater than zero/,
      'g.json': /participants: must be an array/,
    };
    const files = {
      'a.json': '{"currency": "EUR",',
      'b.json': '[1, 2]',
      'c.json': '{"currency": "XAU", "participants": [], "payments": []}',
      'd.json': '{"currency": "EUR", "participants": []}',
      'e.json':
        '{"currency":"EUR","participants":[],"payments":[{"id":"p","from":"A","to":"A","amount":"1.00"}]}',
      'f.json':
        '{"currency":"EUR","participants":[],"payments":[{"id":"p","from":"A","to":"B","amount":"0.00"}]}',
      'g.json': '{"currency":"EUR","participants":{},"payments":[]}',
    };
    for (const [file, message] of Object.entries(cases)) {
      const x = io(files);
      expect(await runNet([file], x), file).toBe(2);
      expect(x.err, file).toMatch(message);
    }
  });

  it('exits 2 on usage errors and unreadable files, 0 on --help', async () => {
    for (const args of [
      [],
      ['a.json', 'b.json'],
      ['--time-limit-ms', 'soon', 'x.json'],
      ['--fast', 'x.json'],
    ]) {
      const x = io();
      expect(await runNet(args, x), args.join(' ')).toBe(2);
      expect(x.err).toMatch(/usage: isoclear net/);
    }
    const missing = io();
    expect(await runNet(['does-not-exist.json'], missing)).toBe(2);
    expect(missing.err).toMatch(/cannot read does-not-exist\.json/);
    const help = io();
    expect(await runNet(['--help'], help)).toBe(0);
    expect(help.out).toMatch(/usage: isoclear net/);
  });

  it('refuses more payments than the configured maximum', () => {
    const text = JSON.stringify({
      currency: 'EUR',
      participants: [],
      payments: [
        { id: 'a', from: 'A', to: 'B', amount: '1.00' },
        { id: 'b', from: 'A', to: 'B', amount: '1.00' },
      ],
    });
    const r = parseInstanceText(text, { paymentsMax: 1, participantsMax: 10, idLengthMax: 10 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/more than 1 payments/);
  });
});
