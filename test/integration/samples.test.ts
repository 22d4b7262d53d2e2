/**
 * The shared corpus of real-world ISO 20022 samples through the front door. For every message
 * version the gateway reads, each valid sample either maps correctly — accepted, and its typed
 * model written back by the gateway's writer is valid ISO 20022 and reads back to the same
 * model — or is rejected by a catalogued rule that says why it falls outside the gateway's usage
 * guideline or rules. At least 80 % of the valid pacs.008.001.08 samples are accepted. Samples
 * in `invalid/` folders are rejected.
 *
 * Samples: the `samples` folder beside ISO20022_OFFICIAL_XSD_DIR or ../shared/iso20022/xsd;
 * skipped with a message when absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../../src/mapping/model/messages.js';
import { isRuleId, RULES } from '../../src/mapping/rules/catalogue.js';
import { validate } from '../../src/mapping/validate.js';
import { writeMessage } from '../../src/mapping/write/message.js';
import { createLibxml2Validator } from '../../src/mapping/xsd/index.io.js';
import { UG_DIR } from '../unit/mapping/arbitraries.js';
import { LIMITS } from '../unit/mapping/messages.js';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const OFFICIAL_DIR = [
  process.env.ISO20022_OFFICIAL_XSD_DIR,
  resolve(ROOT, '..', 'shared', 'iso20022', 'xsd'),
].find((d): d is string => d !== undefined && d !== '' && existsSync(d));
const SAMPLES = OFFICIAL_DIR ? resolve(OFFICIAL_DIR, '..', 'samples') : undefined;
const HAVE = SAMPLES !== undefined && existsSync(SAMPLES);
if (!HAVE)
  console.log(
    'SKIPPED: no ISO 20022 samples (set ISO20022_OFFICIAL_XSD_DIR to a folder with a samples folder beside it)',
  );

const xsd = createLibxml2Validator({ schemaDir: UG_DIR });
const official = OFFICIAL_DIR ? createLibxml2Validator({ schemaDir: OFFICIAL_DIR }) : undefined;
afterAll(async () => {
  await xsd.close();
  await official?.close();
});

function files(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.xml'))
        .sort()
    : [];
}

const opts = () => ({ xsd, ...(official ? { officialXsd: official } : {}), limits: LIMITS });

describe.skipIf(!HAVE).each(MESSAGE_TYPES.map((t) => [t]))('samples of %s', (type) => {
  const dir = join(SAMPLES ?? '', type);

  it('each valid sample maps correctly or is rejected by a named rule', async () => {
    const outcomes: string[] = [];
    let accepted = 0;
    const valid = files(dir);
    for (const f of valid) {
      const v = await validate(readFileSync(join(dir, f)), opts());
      expect(v.messageType, f).toBe(type);
      if (v.accepted) {
        accepted++;
        expect(v.message, f).toBeDefined();
        // Maps correctly: written back by the gateway, it is accepted again and reads the same.
        const again = await validate(new TextEncoder().encode(writeMessage(v.message!)), opts());
        expect(again.errors, f).toEqual([]);
        expect(again.message, f).toEqual(v.message);
        outcomes.push(`${f}: accepted`);
      } else {
        expect(v.errors.length, f).toBeGreaterThan(0);
        for (const e of v.errors) {
          expect(isRuleId(e.rule), `${f}: ${e.rule}`).toBe(true);
          expect(e.reason, f).toBe(RULES[e.rule as keyof typeof RULES].reason);
          expect(e.message.length, f).toBeGreaterThan(10);
          expect(e.path.startsWith('/'), f).toBe(true);
        }
        outcomes.push(`${f}: rejected ${[...new Set(v.errors.map((e) => e.rule))].join(', ')}`);
      }
    }
    console.log(`${type}: ${accepted}/${valid.length} accepted\n  ${outcomes.join('\n  ')}`);
    if (type === 'pacs.008.001.08') {
      expect(valid.length).toBeGreaterThan(0);
      expect(accepted / valid.length).toBeGreaterThanOrEqual(0.8);
    }
  }, 120_000);

  it('every sample in invalid/ is rejected', async () => {
    for (const f of files(join(dir, 'invalid'))) {
      const v = await validate(readFileSync(join(dir, 'invalid', f)), opts());
      expect(v.accepted, f).toBe(false);
      expect(
        v.errors.every((e) => isRuleId(e.rule)),
        f,
      ).toBe(true);
    }
  });
});
