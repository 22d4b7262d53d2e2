/**
 * The command line as scripts drive it (../shared/spec/cli.md): exit codes and JSON on stdout,
 * through the real dispatch in src/cli.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'isoclear-cli-'));
const SAMPLE = new URL(
  '../../fixtures/ug/pacs.008.001.08/fx-structured-remittance-intermediary.xml',
  import.meta.url,
).pathname;

describe('isoclear CLI', () => {
  it('answers usage errors with exit 2', async () => {
    expect((await run([])).code).toBe(2);
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });

  it('net: settles within limits and prints the contract JSON; malformed instance → 2', async () => {
    const inst = join(dir, 'instance.json');
    writeFileSync(
      inst,
      JSON.stringify({
        currency: 'EUR',
        participants: [
          { id: 'BANKDEFFXXX', limit: '100.00' },
          { id: 'BANKFRPPXXX', limit: '0' },
        ],
        payments: [
          { id: 'p1', from: 'BANKDEFFXXX', to: 'BANKFRPPXXX', amount: '150.00' },
          { id: 'p2', from: 'BANKFRPPXXX', to: 'BANKDEFFXXX', amount: '60.00' },
          { id: 'p3', from: 'BANKDEFFXXX', to: 'BANKFRPPXXX', amount: '20.50' },
        ],
      }),
    );
    const r = await run(['net', '--time-limit-ms', '2000', inst]);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect([...o.settled, ...o.deferred].sort()).toEqual(['p1', 'p2', 'p3']);
    // the best feasible set: p1 + p2 (debit 90.00 ≤ 100.00); adding p3 breaks the cap
    expect(o.settled).toEqual(['p1', 'p2']);
    expect(o.settledValue).toBe('210.00');
    expect(o.positions).toEqual({ BANKDEFFXXX: '-90.00', BANKFRPPXXX: '90.00' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"currency":"EUR","participants":[],"payments":[{"id":"x","amount":"1.001"}]}');
    expect((await run(['net', bad])).code).toBe(2);
  });

  it('validate: 0 when accepted, 1 when rejected, 2 on I/O error; --json one object per file', async () => {
    const hostile = join(dir, 'doctype.xml');
    writeFileSync(hostile, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document/>');
    const ok = await run(['validate', '--json', SAMPLE]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ messageType: 'pacs.008.001.08', accepted: true, errors: [] });
    const rej = await run(['validate', '--json', SAMPLE, hostile]);
    expect(rej.code).toBe(1);
    const lines = rej.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ accepted: false, messageType: null });
    expect(lines[1].errors[0]).toMatchObject({ rule: 'xml.doctype', reason: 'FF01' });
    expect((await run(['validate', join(dir, 'missing.xml')])).code).toBe(2);
  });
});
