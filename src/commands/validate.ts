/**
 * `isoclear validate [--json] [--business-date YYYY-MM-DD] [--official-xsd DIR] FILE...`
 * (../shared/spec/cli.md): each file as one inbound business message through the safe-XML
 * gate, the gateway's schemas (schemas/iso20022) and the message-level business rules.
 *
 * Exit 0: every file accepted; 1: at least one rejected; 2: usage or I/O error. `--json` prints
 * one object per file per line: {file, messageType, accepted, errors: [{rule, reason, path,
 * line, message}]} (plus errorCount and transactions). Hostile input is a rejection like any
 * other; a file over MESSAGE_BYTES_MAX is refused from its size, without being read.
 *
 * Options beyond the contract: --business-date applies the settlement-date window around that
 * date (intake does it with the business-day clock); --official-xsd DIR (or
 * ISO20022_OFFICIAL_XSD_DIR) lets a schema rejection say whether the file is invalid ISO 20022
 * or valid ISO outside the usage guideline, and admits AppHdr versions the guideline has no
 * schema for (head.001.001.03).
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { validate, type Validation } from '../mapping/validate.js';
import type { XmlLimits } from '../mapping/xml/index.js';
import { createXsdValidator } from '../mapping/xsd/index.io.js';
import type { XsdValidator } from '../mapping/xsd/index.js';

/** Longest element or attribute name accepted (not yet a configuration setting). */
export const XML_NAME_LENGTH_MAX = 1_000;
/** Per-call time limit of the Xerces validator when XSD_VALIDATOR=xerces. */
export const XERCES_TIME_LIMIT_MS = 60_000;

const USAGE = 'usage: isoclear validate [--json] [--business-date YYYY-MM-DD] [--official-xsd DIR] FILE...\n';

export function schemaDir(): string {
  return fileURLToPath(new URL('../../schemas/iso20022', import.meta.url));
}

interface Args {
  json: boolean;
  businessDate?: string;
  officialXsd?: string;
  files: string[];
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { json: false, files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--business-date' || a === '--official-xsd') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--business-date') {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return `--business-date: "${v}" is not YYYY-MM-DD`;
        out.businessDate = v;
      } else out.officialXsd = v;
    } else if (a === '--') {
      out.files.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else out.files.push(a);
  }
  if (out.files.length === 0) return 'no FILE given';
  return out;
}

function line(
  file: string,
  v: Pick<Validation, 'messageType' | 'accepted' | 'errors' | 'errorCount' | 'transactionCount'>,
): string {
  return JSON.stringify({
    file,
    messageType: v.messageType,
    accepted: v.accepted,
    errors: v.errors.map((e) => ({
      rule: e.rule,
      reason: e.reason,
      path: e.path,
      line: e.line,
      message: e.message,
    })),
    errorCount: v.errorCount,
    transactions: v.transactionCount,
  });
}

function human(file: string, v: Validation): string {
  const what = `${v.messageType ?? 'not an ISO 20022 message'}, ${v.transactionCount} transaction(s)`;
  if (v.accepted) return `${file}: accepted (${what})\n`;
  const scope = v.messageRejected ? 'rejected' : `${v.rejectedTransactions.length} transaction(s) rejected`;
  const rows = v.errors.map(
    (e) =>
      `  ${e.line !== null ? `line ${e.line}: ` : ''}${e.path} [${e.rule}${e.reason ? `, ${e.reason}` : ''}] ${e.message}`,
  );
  const more = v.errorCount > v.errors.length ? [`  … and ${v.errorCount - v.errors.length} more`] : [];
  return `${file}: ${scope} (${what})\n${[...rows, ...more].join('\n')}\n`;
}

export async function validateCommand(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`isoclear validate: ${parsed}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const limits: XmlLimits = {
    messageBytesMax: config.messageBytesMax,
    depthMax: config.xmlDepthMax,
    attributesPerElementMax: config.xmlAttributesPerElementMax,
    textLengthMax: config.xmlTextLengthMax,
    elementCountMax: config.xmlElementCountMax,
    nameLengthMax: XML_NAME_LENGTH_MAX,
  };
  const make = (dir: string): XsdValidator =>
    createXsdValidator({
      validator: config.xsdValidator,
      schemaDir: dir,
      limits,
      xercesTimeLimitMs: XERCES_TIME_LIMIT_MS,
    });
  const officialDir = parsed.officialXsd ?? process.env.ISO20022_OFFICIAL_XSD_DIR;
  if (officialDir !== undefined && officialDir !== '' && !existsSync(officialDir)) {
    io.stderr(`isoclear validate: official XSD directory ${officialDir} does not exist\n`);
    return 2;
  }
  const xsd = make(schemaDir());
  const officialXsd = officialDir ? make(officialDir) : undefined;
  let rejected = false;
  let ioError = false;
  try {
    for (const file of parsed.files) {
      let v: Validation;
      try {
        const size = (await stat(file)).size;
        if (size > limits.messageBytesMax) {
          v = {
            messageType: null,
            accepted: false,
            messageRejected: true,
            errors: [
              {
                rule: 'xml.too-large',
                reason: 'FF01',
                path: '/',
                line: null,
                message: `${size} bytes is more than MESSAGE_BYTES_MAX (${limits.messageBytesMax})`,
                txIndex: null,
              },
            ],
            errorCount: 1,
            transactionCount: 0,
            rejectedTransactions: [],
            keys: { message: null },
          };
        } else {
          const bytes = await readFile(file);
          v = await validate(bytes, {
            xsd,
            ...(officialXsd ? { officialXsd } : {}),
            limits,
            ...(parsed.businessDate ? { businessDate: parsed.businessDate } : {}),
            retainTransactionsMax: 0,
          });
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') {
          io.stderr(`isoclear validate: ${file}: ${(e as Error).message}\n`);
          ioError = true;
          continue;
        }
        throw e;
      }
      if (!v.accepted) rejected = true;
      io.stdout(parsed.json ? `${line(file, v)}\n` : human(file, v));
    }
  } finally {
    await xsd.close();
    await officialXsd?.close();
  }
  return ioError ? 2 : rejected ? 1 : 0;
}
