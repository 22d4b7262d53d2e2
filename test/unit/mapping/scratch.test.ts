import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { validate } from '../../../src/mapping/validate.js';
import { createLibxml2Validator } from '../../../src/mapping/xsd/index.io.js';
import { isMessageType } from '../../../src/mapping/model/messages.js';

const DIR = '/work/shared/iso20022/samples';
const limits = { messageBytesMax: 100e6, depthMax: 64, attributesPerElementMax: 16, textLengthMax: 100000, elementCountMax: 20e6, nameLengthMax: 256 };
it('scratch', async () => {
  const xsd = createLibxml2Validator({ schemaDir: 'schemas/iso20022' });
  const officialXsd = createLibxml2Validator({ schemaDir: '/work/shared/iso20022/xsd' });
  for (const d of readdirSync(DIR)) {
    if (!isMessageType(d)) continue;
    for (const sub of ['', 'invalid']) {
      let files: string[] = [];
      try { files = readdirSync(join(DIR, d, sub)).filter((f) => f.endsWith('.xml')); } catch { continue; }
      for (const f of files) {
        const v = await validate(readFileSync(join(DIR, d, sub, f)), { xsd, officialXsd, limits });
        console.log(d, sub, f, v.accepted ? 'ACCEPTED' : 'rejected', v.transactionCount, JSON.stringify(v.errors.slice(0, 2)));
      }
    }
  }
}, 120000);
