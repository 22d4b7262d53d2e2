import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubIbans } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'info' }) };
}

describe('log redaction', () => {
  it('redacts IBANs, names and raw XML by field', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        iban: 'DE89370400440532013000',
        debtor: { name: 'Erika Mustermann' },
        xml: '<Document/>',
        cycleId: 'C1',
      },
      'cycle settled',
    );
    const out = lines.join('');
    expect(out).not.toContain('DE89370400440532013000');
    expect(out).not.toContain('Erika');
    expect(out).not.toContain('<Document/>');
    expect(out).toContain('"cycleId":"C1"');
  });

  it('scrubs IBANs inside free text, grouped or not', () => {
    const { lines, logger } = capture();
    logger.warn({ detail: 'account DE89 3704 0044 0532 0130 00 blocked' }, 'rejected GB29NWBK60161331926819');
    const out = lines.join('');
    expect(out).not.toMatch(/0532 ?0130/);
    expect(out).not.toContain('60161331926819');
    expect(scrubIbans('FR1420041010050500013M02606')).toBe('FR14…[IBAN]');
  });
});
