/**
 * Writes the gateway's usage-guideline schemas to schemas/iso20022 from the official ISO 20022
 * schemas and the profiles in ./profiles.
 *
 *   npx tsx scripts/ug-schemas/generate.ts            # write schemas/iso20022/<id>.xsd
 *   npx tsx scripts/ug-schemas/generate.ts --check    # exit 1 when a committed schema is stale
 *   npx tsx scripts/ug-schemas/generate.ts --verbose  # also list profile rules no path reaches
 *
 * The official schemas are read from ISO20022_OFFICIAL_XSD_DIR, else ../shared/iso20022/xsd
 * relative to the repository root; they are never copied into the project.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILES } from './profiles/index.js';
import { restrict } from './restrict.js';
import { parseSchema } from './xsd-model.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const officialDir =
  process.env.ISO20022_OFFICIAL_XSD_DIR ?? resolve(repoRoot, '..', 'shared', 'iso20022', 'xsd');
const outDir = join(repoRoot, 'schemas', 'iso20022');
const check = process.argv.includes('--check');
const verbose = process.argv.includes('--verbose');

if (!existsSync(officialDir)) {
  console.error(`official XSDs not found in ${officialDir} (set ISO20022_OFFICIAL_XSD_DIR)`);
  process.exit(2);
}

let stale = 0;
for (const profile of PROFILES) {
  const official = parseSchema(readFileSync(join(officialDir, `${profile.id}.xsd`), 'utf8'));
  const result = restrict(official, profile);
  const target = join(outDir, `${profile.id}.xsd`);
  const summary = `${profile.id}: ${result.complexTypes.length} complex (official ${official.complexTypes.size}), ${result.simpleTypes.length} simple (official ${official.simpleTypes.size})`;
  if (verbose && result.unusedRules.length > 0) {
    console.log(`  ${profile.id}: rules not reached: ${result.unusedRules.join(', ')}`);
  }
  if (check) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== result.xsd) {
      stale++;
      console.error(`STALE ${target}`);
    } else {
      console.log(`ok ${summary}`);
    }
  } else {
    writeFileSync(target, result.xsd);
    console.log(`wrote ${summary}`);
  }
}
if (stale > 0) process.exit(1);
