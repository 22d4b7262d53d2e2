/**
 * Round trip, for every message version the gateway reads and writes: a random message the
 * usage-guideline schema admits (drawn from that schema) → XML by the gateway's writer → valid
 * against the usage-guideline schema AND the official ISO 20022 schema → read back by the
 * gateway's reader → equal to what was drawn, every field and every amount.
 *
 * The official part is skipped, with a message, when neither ISO20022_OFFICIAL_XSD_DIR nor
 * ../shared/iso20022/xsd exists.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  documentRoot,
  MESSAGE_TYPES,
  type AnyMessage,
  type MessageType,
} from '../../src/mapping/model/messages.js';
import { readMessage } from '../../src/mapping/read/message.js';
import { writeMessage } from '../../src/mapping/write/message.js';
import { readEnvelope } from '../../src/mapping/xml/index.js';
import { createLibxml2Validator } from '../../src/mapping/xsd/index.io.js';
import { arbitraries, ugSchema, UG_DIR } from '../unit/mapping/arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log('fast-check seed', seed);
const numRuns = Number(process.env.FC_RUNS ?? 30);

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const OFFICIAL_DIR = [
  process.env.ISO20022_OFFICIAL_XSD_DIR,
  resolve(ROOT, '..', 'shared', 'iso20022', 'xsd'),
].find((d): d is string => d !== undefined && d !== '' && existsSync(d));
if (!OFFICIAL_DIR)
  console.log(
    'SKIPPED official-schema half of the round trip: no ISO20022_OFFICIAL_XSD_DIR and no ../shared/iso20022/xsd',
  );

const ug = createLibxml2Validator({ schemaDir: UG_DIR });
const official = OFFICIAL_DIR ? createLibxml2Validator({ schemaDir: OFFICIAL_DIR }) : undefined;
afterAll(async () => {
  await ug.close();
  await official?.close();
});

const HEAD = 'head.001.001.02';
const head = ugSchema(HEAD);
const headArb = arbitraries(head.types).of(head.rootType, documentRoot(HEAD).rootType);

async function schemaErrors(xml: string, type: string): Promise<string[]> {
  const issues = [...(await ug.validate(xml, type)).map((i) => `UG ${type}: ${i.path} ${i.message}`)];
  if (official)
    issues.push(...(await official.validate(xml, type)).map((i) => `ISO ${type}: ${i.path} ${i.message}`));
  return issues;
}

describe.each(MESSAGE_TYPES.map((t) => [t]))('%s', (type: MessageType) => {
  const schema = ugSchema(type);
  const body = arbitraries(schema.types).of(schema.rootType, documentRoot(type).rootType);
  const message = fc.tuple(body, fc.option(headArb, { nil: undefined })).map(
    ([document, hdr]) =>
      ({
        messageType: type,
        ...(hdr ? { appHdr: { ...(hdr as object), MsgDefIdr: type } } : {}),
        document,
      }) as unknown as AnyMessage,
  );

  it('domain → XML → both schemas valid → domain, equal', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (msg) => {
        const xml = writeMessage(msg);
        const env = readEnvelope(xml, { depthMax: 64 });
        if (!env.ok) throw new Error(`envelope: ${env.error.message}`);
        const errors = await schemaErrors(env.value.documentXml, type);
        if (env.value.appHdrXml) errors.push(...(await schemaErrors(env.value.appHdrXml, HEAD)));
        expect(errors).toEqual([]);
        const back = readMessage({
          messageType: type,
          document: env.value.document,
          ...(env.value.appHdr ? { appHdr: env.value.appHdr } : {}),
        });
        if (!back.ok) throw new Error(JSON.stringify(back.error.slice(0, 3)));
        expect(back.value).toEqual(msg);
        // Deterministic: the same model writes the same bytes.
        expect(writeMessage(back.value)).toBe(xml);
      }),
      { seed, numRuns },
    );
  }, 120_000);
});
