/**
 * XSD validation against the OFFICIAL ISO 20022 schemas (ISO20022_OFFICIAL_XSD_DIR, default
 * /work/shared/iso20022/xsd) and the public samples beside them: valid samples pass, samples
 * under invalid/ fail with the line the corpus notes give; errors beyond line 65,535 keep their
 * real line numbers; paths name elements; schemas compile once; wasm memory does not grow with
 * the number of validations; the Xerces adapter agrees on verdicts and lines. Also prints the
 * timings of a 10,000-transaction pacs.008: fast-xml-parser tree, saxes stream, libxml2 validate.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkXmlSafety,
  locateEnvelope,
  parseXml,
  streamTransactions,
  type XmlLimits,
} from '../../src/mapping/xml/index.js';
import { issuesToRejections, relocateIssues, type XsdIssue } from '../../src/mapping/xsd/index.js';
import {
  createLibxml2Validator,
  createXercesValidator,
  createXsdValidator,
} from '../../src/mapping/xsd/index.io.js';
import { generatePacs008 } from '../helpers/pacs008.generate.js';

const XSD_DIR = process.env.ISO20022_OFFICIAL_XSD_DIR ?? '/work/shared/iso20022/xsd';
const SAMPLES = process.env.ISO20022_SAMPLES_DIR ?? join(XSD_DIR, '../samples');
const FIXTURES = new URL('../../fixtures/hostile/', import.meta.url).pathname;

function exists(dir: string, file?: string): boolean {
  try {
    return file ? readdirSync(dir).includes(file) : statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
const HAVE_XSD = exists(XSD_DIR, 'pacs.008.001.08.xsd');
const HAVE_SAMPLES = exists(SAMPLES);
const HAVE_JAVA = spawnSync('java', ['-version']).status === 0;
if (!HAVE_XSD)
  console.warn(
    `xsd: official ISO 20022 XSDs not found at ${XSD_DIR} (set ISO20022_OFFICIAL_XSD_DIR): skipped`,
  );
if (!HAVE_SAMPLES)
  console.warn(`xsd: samples not found at ${SAMPLES} (set ISO20022_SAMPLES_DIR): sample tests skipped`);
if (!HAVE_JAVA) console.warn('xsd: no Java on PATH: the Xerces cross-check is skipped');

const LIMITS: XmlLimits = {
  messageBytesMax: 104_857_600,
  depthMax: 64,
  attributesPerElementMax: 16,
  textLengthMax: 100_000,
  elementCountMax: 20_000_000,
  nameLengthMax: 256,
};

const libxml2 = createLibxml2Validator({ schemaDir: XSD_DIR });
afterAll(() => libxml2.close());

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.xml') ? [p] : [];
  });
}

interface Checked {
  readonly file: string;
  readonly outcome: 'valid' | 'invalid' | 'refused';
  readonly issues: XsdIssue[];
  readonly detail: string;
}

/** gate → envelope → validate the Document and the AppHdr, issues in source lines. */
async function check(file: string, validator = libxml2): Promise<Checked> {
  const gated = checkXmlSafety(readFileSync(file), LIMITS);
  if (!gated.ok) return { file, outcome: 'refused', issues: [], detail: gated.error.message };
  const env = locateEnvelope(gated.value.text, { depthMax: 64 });
  if (!env.ok) return { file, outcome: 'refused', issues: [], detail: env.error.message };
  const e = env.value;
  if (!e.messageType)
    return { file, outcome: 'refused', issues: [], detail: `namespace ${e.documentNamespace}` };
  const issues = relocateIssues(await validator.validate(e.documentXml, e.messageType), e.documentAt);
  if (e.appHdrXml && e.headerType && e.appHdrAt)
    issues.push(...relocateIssues(await validator.validate(e.appHdrXml, e.headerType), e.appHdrAt));
  return {
    file,
    outcome: issues.length === 0 ? 'valid' : 'invalid',
    issues,
    detail: issues.map((i) => `${i.line}: ${i.message}`).join('; '),
  };
}

describe.skipIf(!HAVE_XSD)('libxml2-wasm validator on the official schemas', () => {
  it.skipIf(!HAVE_SAMPLES)('every valid sample passes, every sample under invalid/ fails', async () => {
    const files = walk(SAMPLES);
    expect(files.length).toBeGreaterThan(50);
    let valid = 0;
    let invalid = 0;
    for (const f of files) {
      const c = await check(f);
      if (f.includes('/invalid/')) {
        expect(c.outcome === 'valid' ? `${f} passed` : 'failed').toBe('failed');
        invalid++;
      } else {
        expect(c.outcome === 'valid' ? 'valid' : `${f}: ${c.outcome} ${c.detail}`).toBe('valid');
        valid++;
      }
    }
    console.log(`samples: ${valid} valid passed, ${invalid} invalid failed`);
  });

  it.skipIf(!HAVE_SAMPLES)(
    'reports the source line, element path and message the corpus notes give',
    async () => {
      const cases: Array<[string, number, string, RegExp]> = [
        [
          'camt.053.001.02/invalid/abnamro-iso20022js-1.xml',
          1391,
          '/Document/BkToCstmrStmt/Stmt/Ntry[10]/NtryDtls/TxDtls[1]/RmtInf/Ustrd',
          /Element 'Ustrd': \[facet 'maxLength'\].*'204'.*'140'/,
        ],
        [
          'camt.053.001.02/invalid/genkgo-5.xml',
          3,
          '/Document/BkToCstmrStmt',
          /Missing child element\(s\)\. Expected is \( Stmt \)/,
        ],
        ['pacs.008.001.08/invalid/pm4ml-2.xml', 6, '/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId', /maxLength/],
        [
          'pain.001.001.03/invalid/gs-iso20022js-1.xml',
          27,
          '/Document/CstmrCdtTrfInitn/PmtInf/ReqdExctnDt',
          /'YYYY-MM-DD' is not a valid value/,
        ],
        [
          'camt.056.001.09/invalid/rustiso-1.xml',
          31,
          '/Document/FIToFIPmtCxlReq/SplmtryData[1]/Envlp',
          /Envlp/,
        ],
      ];
      for (const [file, line, path, message] of cases) {
        const c = await check(join(SAMPLES, file));
        expect(c.issues[0]).toMatchObject({ line, path });
        expect(c.issues[0]!.message).toMatch(message);
      }
    },
  );

  it('keeps line numbers right beyond 65,535 (XML_PARSE_BIG_LINES), bare and enveloped', async () => {
    for (const envelope of [false, true]) {
      const gen = generatePacs008({
        transactions: 10_000,
        envelope,
        faults: [
          [4, 'amount-too-precise'],
          [5_000, 'bad-bic'],
          [9_990, 'bad-charge-bearer'],
        ],
      });
      expect(gen.faultLines[2]).toBeGreaterThan(400_000);
      const gated = checkXmlSafety(Buffer.from(gen.xml), LIMITS);
      if (!gated.ok) throw new Error(gated.error.message);
      const env = locateEnvelope(gated.value.text, { depthMax: 64 });
      if (!env.ok) throw new Error(env.error.message);
      const issues = relocateIssues(
        await libxml2.validate(env.value.documentXml, 'pacs.008.001.08'),
        env.value.documentAt,
      );
      expect(issues.map((i) => i.line)).toEqual(gen.faultLines);
      expect(issues.map((i) => i.path)).toEqual([
        '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[5]/IntrBkSttlmAmt',
        '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[5001]/CdtrAgt/FinInstnId/BICFI',
        '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[9991]/ChrgBr',
      ]);
      expect(issues[0]!.message).toMatch(/IntrBkSttlmAmt.*fractionDigits/);
      expect(issues[1]!.message).toMatch(/'NOT-A-BIC' is not accepted by the pattern/);
      const rejections = issuesToRejections(issues);
      expect(rejections[2]).toMatchObject({ rule: 'xsd.invalid', reason: 'FF01', line: gen.faultLines[2] });
    }
  }, 120_000);

  it('accepts 18 total digits and 5 fraction digits; refuses 19 digits and 6 fraction digits (X18)', async () => {
    const base = generatePacs008({ transactions: 1 }).xml;
    const withAmount = (a: string) => base.replace(/(<IntrBkSttlmAmt Ccy="EUR">)[^<]*/, `$1${a}`);
    const body = (x: string) => x.slice(x.indexOf('<Document'));
    expect(await libxml2.validate(body(withAmount('1234567890123.12345')), 'pacs.008.001.08')).toEqual([]);
    expect(await libxml2.validate(body(withAmount('123456789012345678')), 'pacs.008.001.08')).toEqual([]);
    expect(await libxml2.validate(body(withAmount('1234567890123456789')), 'pacs.008.001.08')).toHaveLength(
      1,
    );
    expect(await libxml2.validate(body(withAmount('1.123456')), 'pacs.008.001.08')).toHaveLength(1);
    expect(await libxml2.validate(body(withAmount('1e2')), 'pacs.008.001.08')).toHaveLength(1);
  });

  it('refuses a foreign-namespace impostor and a re-bound prefix inside the Document (X13)', async () => {
    for (const f of ['foreign-namespace-amount.xml', 'prefix-rebinding.xml']) {
      const text = readFileSync(join(FIXTURES, f), 'utf8');
      const issues = await libxml2.validate(text.slice(text.indexOf('<')), 'pacs.008.001.08');
      expect(issues.length).toBeGreaterThan(0);
      expect(issues[0]!.message).toContain('urn:evil');
    }
  });

  it('reports not-well-formed input as issues with a line, and a missing schema as an installation fault', async () => {
    const issues = await libxml2.validate(
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">\n<A>\n</Document>',
      'pacs.008.001.08',
    );
    expect(issues[0]).toMatchObject({ line: 3 });
    expect(issues[0]!.message).toMatch(/^not well-formed/);
    await expect(libxml2.validate('<a/>', 'pacs.008.001.99')).rejects.toMatchObject({
      code: 'ISOCLR_ERR_XSD_SCHEMA',
    });
    await expect(libxml2.validate('<a/>', '../../etc/passwd')).rejects.toMatchObject({
      code: 'ISOCLR_ERR_XSD_SCHEMA',
    });
    expect(await libxml2.messageTypes()).toContain('pacs.008.001.08');
  });

  it('compiles each schema once: 1,000 validations take far less than 1,000 compilations', async () => {
    const v = createLibxml2Validator({ schemaDir: XSD_DIR });
    const doc = generatePacs008({ transactions: 1 }).xml;
    const body = doc.slice(doc.indexOf('<Document'));
    let t0 = performance.now();
    expect(await v.validate(body, 'pacs.009.001.08')).not.toEqual([]); // compiles pacs.009 (wrong schema: issues)
    const first = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < 1_000; i++) await v.validate(body, 'pacs.008.001.08');
    const thousand = performance.now() - t0;
    console.log(
      `libxml2: first call (compile) ${first.toFixed(1)} ms; 1,000 one-tx validations ${thousand.toFixed(0)} ms`,
    );
    expect(thousand).toBeLessThan(Math.max(1_000 * first * 0.2, 2_000));
    await v.close();
    await expect(v.validate(body, 'pacs.008.001.08')).rejects.toMatchObject({
      code: 'ISOCLR_ERR_XSD_SCHEMA',
    });
  }, 120_000);

  it('does not leak wasm memory over thousands of validations (documents are disposed)', async () => {
    const doc = generatePacs008({ transactions: 20 }).xml;
    const body = doc.slice(doc.indexOf('<Document'));
    const bad = body.replace('<ChrgBr>SLEV</ChrgBr>', '<ChrgBr>XXXX</ChrgBr>');
    for (let i = 0; i < 300; i++) await libxml2.validate(i % 2 ? body : bad, 'pacs.008.001.08');
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3_000; i++) await libxml2.validate(i % 2 ? body : bad, 'pacs.008.001.08');
    const growthMiB = (process.memoryUsage().rss - before) / 2 ** 20;
    console.log(`libxml2: RSS growth over 3,000 validations of a 20-tx message: ${growthMiB.toFixed(1)} MiB`);
    // ~60 KB of wasm heap per undisposed document would be ~180 MiB here
    expect(growthMiB).toBeLessThan(48);
  }, 120_000);

  it('measures a generated 10,000-transaction pacs.008: tree parse, stream, gate, validate', async () => {
    const gen = generatePacs008({ transactions: 10_000 });
    const bytes = Buffer.from(gen.xml);
    const median = async (fn: () => unknown, runs = 3) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
    };
    const text = gen.xml;
    const gate = await median(() => checkXmlSafety(bytes, LIMITS));
    const envelope = await median(() => locateEnvelope(text, { depthMax: 64 }));
    const fxp = await median(() => {
      const r = parseXml(text, { depthMax: 64 });
      if (!r.ok) throw new Error(r.error.message);
    });
    const stream = await median(() => {
      let n = 0;
      for (const i of streamTransactions(text, { repeatingElement: 'CdtTrfTxInf', limits: LIMITS }))
        if (i.kind === 'transaction') n++;
      expect(n).toBe(10_000);
    });
    const validate = await median(async () =>
      expect(await libxml2.validate(text, 'pacs.008.001.08')).toEqual([]),
    );
    console.log(
      `10,000-tx pacs.008 (${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${gen.lineCount} lines), median of 3: ` +
        `gate ${gate.toFixed(0)} ms, envelope ${envelope.toFixed(0)} ms, fast-xml-parser tree ${fxp.toFixed(0)} ms, ` +
        `saxes stream ${stream.toFixed(0)} ms, libxml2 validate ${validate.toFixed(0)} ms`,
    );
  }, 300_000);

  it('createXsdValidator picks the adapter from configuration (XSD_VALIDATOR)', async () => {
    const a = createXsdValidator({
      validator: 'libxml2',
      schemaDir: XSD_DIR,
      limits: LIMITS,
      xercesTimeLimitMs: 1,
    });
    const b = createXsdValidator({
      validator: 'xerces',
      schemaDir: XSD_DIR,
      limits: LIMITS,
      xercesTimeLimitMs: 1,
    });
    expect([a.kind, b.kind]).toEqual(['libxml2', 'xerces']);
    await Promise.all([a.close(), b.close()]);
  });
});

describe.skipIf(!HAVE_XSD || !HAVE_JAVA)('Xerces adapter as a second opinion', () => {
  const xerces = createXercesValidator({ schemaDir: XSD_DIR, limits: LIMITS, timeLimitMs: 60_000 });

  it.skipIf(!HAVE_SAMPLES)(
    'agrees with libxml2 on valid and invalid samples and on where the first error is',
    async () => {
      const files = [
        'pacs.008.001.08/pm4ml-1.xml',
        'pacs.008.001.08/cbprur-1.xml',
        'camt.053.001.02/genkgo-1.xml',
        'pacs.008.001.08/invalid/pm4ml-2.xml',
        'camt.053.001.02/invalid/abnamro-iso20022js-1.xml',
      ];
      for (const f of files) {
        const [a, b] = await Promise.all([check(join(SAMPLES, f)), check(join(SAMPLES, f), xerces)]);
        expect(`${f}: ${b.outcome}`).toBe(`${f}: ${a.outcome}`);
        // libxml2 reports the line where the failing element starts, Xerces where it ends
        if (a.outcome === 'invalid') {
          expect(b.issues[0]!.line).toBeGreaterThanOrEqual(a.issues[0]!.line);
          expect(b.issues[0]!.line - a.issues[0]!.line).toBeLessThanOrEqual(3);
        }
      }
    },
    180_000,
  );

  it('reports the same fault lines beyond 65,535 on a generated document', async () => {
    const gen = generatePacs008({
      transactions: 2_000,
      faults: [
        [3, 'amount-too-precise'],
        [1_900, 'bad-bic'],
        [1_950, 'bad-charge-bearer'],
      ],
    });
    const body = gen.xml.slice(gen.xml.indexOf('<Document'));
    const issues = relocateIssues(await xerces.validate(body, 'pacs.008.001.08'), { line: 2, column: 1 });
    // Xerces emits two messages per facet failure (cvc-*-valid then cvc-type.3.1.3)
    expect([...new Set(issues.map((i) => i.line))]).toEqual(gen.faultLines);
    expect(gen.faultLines[2]).toBeGreaterThan(65_535);
    expect(issues.every((i) => i.column !== null && i.column > 0)).toBe(true);
  }, 120_000);

  it('refuses a missing schema and a non-identifier before starting a JVM', async () => {
    await expect(xerces.validate('<a/>', 'pacs.008.001.99')).rejects.toMatchObject({
      code: 'ISOCLR_ERR_XSD_SCHEMA',
    });
    await expect(xerces.validate('<a/>', '../x')).rejects.toMatchObject({ code: 'ISOCLR_ERR_XSD_SCHEMA' });
  });

  it('says clearly when Java is missing', async () => {
    const noJava = createXercesValidator({
      schemaDir: XSD_DIR,
      limits: LIMITS,
      timeLimitMs: 10_000,
      javaPath: '/nonexistent/java',
    });
    const body = generatePacs008({ transactions: 1 }).xml;
    await expect(noJava.validate(body, 'pacs.008.001.08')).rejects.toMatchObject({
      code: 'ISOCLR_ERR_XSD_JAVA_MISSING',
    });
  });
});
