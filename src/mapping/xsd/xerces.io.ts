/**
 * Second-opinion XSD validator: Apache Xerces (the JDK's JAXP validator) through the helper of
 * the xsd-schema-validator package, one JVM per call. For conformance cross-checks and tests,
 * never per message in the pipeline (≈0.15–0.5 s of JVM start-up per call).
 *
 * Safety. With JDK defaults this helper resolves external entities: an XXE file read and an
 * HTTP request to any host (SSRF) were both observed (stack-measurements §2). So:
 * 1. every input goes through `checkXmlSafety` here, whatever the caller did before — a
 *    DOCTYPE never reaches the JVM;
 * 2. the JVM runs with `javax.xml.accessExternalDTD`, `accessExternalSchema` and
 *    `accessExternalStylesheet` set to "" (JAXP 1.5: no protocol allowed), so even a bypass could
 *    not fetch anything; the schema itself is read from `schemaDir` by path.
 *
 * The helper class shipped in the package is compiled for Java 21 (class file 65), which older
 * JVMs refuse; it is therefore compiled from the package's own XMLValidator.java with `javac`
 * into a per-source cache directory under the OS temp dir the first time it is needed (falling
 * back to the shipped class when there is no javac). Xerces reports line and column but no
 * element path; it emits two messages per facet failure (cvc-pattern-valid + cvc-type.3.1.3).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkXmlSafety, type XmlLimits } from '../xml/safe.js';
import {
  MESSAGE_TYPE_PATTERN,
  XsdSchemaError,
  XsdValidatorError,
  type XsdIssue,
  type XsdValidator,
} from './port.js';

export interface XercesValidatorOptions {
  readonly schemaDir: string;
  /** The gate's limits: every input is checked again before it reaches the JVM. */
  readonly limits: XmlLimits;
  /** Wall-clock limit of one validation (JVM start included). */
  readonly timeLimitMs: number;
  /** The java executable (default: `java` on PATH). */
  readonly javaPath?: string;
  readonly javacPath?: string;
}

const JAXP_LOCKDOWN = [
  '-Djavax.xml.accessExternalDTD=',
  '-Djavax.xml.accessExternalSchema=',
  '-Djavax.xml.accessExternalStylesheet=',
  '-Dfile.encoding=UTF-8',
  '-XX:TieredStopAtLevel=1',
];

/** One record of the helper's stderr: "[error] message (line:col)"; a message may span lines (echoed values). */
const RECORD = /^\[(error|fatal|warning)\] ([\s\S]*?)(?: \((-?\d+):(-?\d+)\))?\s*$/;

let helperDir: Promise<string> | undefined;

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((res, rej) => execFile(cmd, args, (e) => (e ? rej(e) : res())));
}

/**
 * Directory whose support/XMLValidator.class runs on this JVM (compiled once per source
 * version). Exported for tests that need to run the raw helper as a control.
 */
export function xercesHelperClassDir(javac = 'javac'): Promise<string> {
  helperDir ??= (async () => {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('xsd-schema-validator/package.json'));
    const source = join(pkgDir, 'support', 'XMLValidator.java');
    const code = await readFile(source);
    const out = join(
      tmpdir(),
      `isoclear-xerces-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`,
    );
    if (existsSync(join(out, 'support', 'XMLValidator.class'))) return out;
    try {
      await mkdir(out, { recursive: true });
      await run(javac, ['-d', out, source]);
      return out;
    } catch {
      return pkgDir; // no javac: the shipped class (needs Java 21+)
    }
  })();
  return helperDir;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runJava(java: string, args: string[], input: string, timeLimitMs: number): Promise<Outcome> {
  return new Promise((res, rej) => {
    const child = spawn(java, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(
        new XsdValidatorError(
          'ISOCLR_ERR_XSD_TIMEOUT',
          `Xerces validation exceeded ${timeLimitMs} ms (timeLimitMs)`,
        ),
      );
    }, timeLimitMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      rej(
        e.code === 'ENOENT'
          ? new XsdValidatorError(
              'ISOCLR_ERR_XSD_JAVA_MISSING',
              `Java not found ("${java}"): the Xerces validator needs a JRE`,
              {
                cause: e,
              },
            )
          : new XsdValidatorError('ISOCLR_ERR_XSD_VALIDATOR', `cannot start Java: ${e.message}`, {
              cause: e,
            }),
      );
    });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => errs.push(b));
    child.on('close', (code) => {
      clearTimeout(timer);
      res({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errs).toString('utf8'),
      });
    });
    child.stdin.on('error', () => undefined); // the JVM may exit before reading all input
    child.stdin.end(input, 'utf8');
  });
}

export function createXercesValidator(options: XercesValidatorOptions): XsdValidator {
  const dir = resolve(options.schemaDir);
  const java = options.javaPath ?? 'java';
  const javac = options.javacPath ?? 'javac';
  return {
    kind: 'xerces',
    async validate(xml: string, messageType: string): Promise<XsdIssue[]> {
      if (!MESSAGE_TYPE_PATTERN.test(messageType))
        throw new XsdSchemaError(`"${messageType.slice(0, 40)}" is not an ISO 20022 message identifier`);
      const schema = join(dir, `${messageType}.xsd`);
      if (!existsSync(schema))
        throw new XsdSchemaError(`no schema for ${messageType}: ${schema} does not exist`);
      const gated = checkXmlSafety(new TextEncoder().encode(xml), options.limits);
      if (!gated.ok) {
        const r = gated.error;
        return [
          {
            line: r.line ?? 1,
            column: r.column ?? null,
            path: r.path,
            message: `refused before validation (${r.rule}): ${r.message}`,
          },
        ];
      }
      const classDir = await xercesHelperClassDir(javac);
      const result = await runJava(
        java,
        [...JAXP_LOCKDOWN, '-cp', classDir, 'support.XMLValidator', '-stdin', `-schema=${schema}`],
        gated.value.text,
        options.timeLimitMs,
      );
      const issues: XsdIssue[] = [];
      const unplaced: string[] = [];
      for (const raw of result.stderr.split(/\n(?=\[(?:error|fatal|warning)\] )/)) {
        const m = RECORD.exec(raw.trim());
        if (!m) continue;
        const message = m[2]!.replace(/\s*\n\s*/g, ' ');
        if (m[3] === undefined) unplaced.push(message);
        else
          issues.push({
            line: Math.max(1, Number(m[3])),
            column: Number(m[4]) > 0 ? Number(m[4]) : null,
            path: '',
            message,
          });
      }
      if (result.code === 0) return [];
      if (issues.length > 0) return issues;
      if (unplaced.length > 0 && /schema|\.xsd/i.test(unplaced.join(' ')))
        throw new XsdSchemaError(`Xerces could not use ${schema}: ${unplaced.join('; ').slice(0, 500)}`);
      if (unplaced.length > 0)
        return unplaced.map((message) => ({ line: 1, column: null, path: '', message }));
      throw new XsdValidatorError(
        'ISOCLR_ERR_XSD_VALIDATOR',
        `Xerces exited with code ${result.code} and no message: ${result.stderr.slice(0, 500)}`,
      );
    },
    async messageTypes(): Promise<readonly string[]> {
      const files = await readdir(dir).catch(() => [] as string[]);
      return files
        .filter((f) => f.endsWith('.xsd'))
        .map((f) => f.slice(0, -4))
        .filter((t) => MESSAGE_TYPE_PATTERN.test(t))
        .sort();
    },
    async close(): Promise<void> {},
  };
}
