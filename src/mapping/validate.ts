/**
 * The front door for every inbound message: bytes → safe-XML gate → envelope → XSD (the
 * gateway's usage-guideline schemas) → typed model → business rules, with the duplicate keys the
 * pipeline enforces. Pure apart from the injected XSD validators (a port) and hash function.
 *
 * The Document is read one transaction at a time (the streaming reader), so a 100,000-
 * transaction file is decoded, checked and — when asked — handed to `onTransaction` in bounded
 * memory; the typed message is kept whole only up to `retainTransactionsMax` transactions.
 *
 * Granularity ("Rejection granularity", CLI contract): a fault of the gate, the envelope, the
 * schema or a message-level rule rejects the message (`messageRejected`); a transaction-level
 * fault (amount precision, zero amount, bad IBAN …) rejects that transaction only
 * (`transactions[i].accepted === false`) and its siblings go on.
 */
import type { Rejection } from '../domain/index.js';
import { layoutOf } from './model/layout.js';
import {
  APP_HDR_VERSIONS,
  isAppHdrVersion,
  isMessageType,
  namespaceOf,
  type AnyMessage,
  type AppHdr,
  type AppHdrVersion,
  type MessageType,
} from './model/messages.js';
import { DecodeContext, decodeElement } from './read/decode.js';
import { decodeAppHdr } from './read/message.js';
import type { XmlElement } from './read/tree.js';
import { RULES, type RuleId } from './rules/catalogue.js';
import { MessageChecker } from './rules/check.js';
import { finding, scoped, type Finding } from './rules/findings.js';
import { transactionKey, type MessageKey, type TransactionRefs, transactionRefs } from './rules/keys.js';
import { GATEWAY_PROFILE, type Profile, type RuleContext } from './rules/profile.js';
import { encodeElement } from './write/encode.js';
import {
  checkXmlSafety,
  locateEnvelope,
  sourceLine,
  streamTransactions,
  type XmlLimits,
} from './xml/index.js';
import { relocateIssues, type XsdIssue, type XsdValidator } from './xsd/index.js';

/** An incremental hash (sha256 in the shell: `createHash('sha256')` wrapped). */
export interface Hasher {
  update(chunk: string): void;
  digest(): string;
}

export interface ValidateOptions {
  /** The gateway's usage-guideline schemas (schemas/iso20022). */
  readonly xsd: XsdValidator;
  /**
   * The official ISO 20022 schemas, optional: when given, a message the usage guideline refuses
   * is checked against them too, so the rejection says whether it is invalid ISO 20022
   * (`schema.iso`) or valid ISO outside the usage guideline (`schema.usage-guideline`).
   */
  readonly officialXsd?: XsdValidator;
  readonly limits: XmlLimits;
  readonly profile?: Profile;
  /** Business date (YYYY-MM-DD) for time-dependent rules; absent: they are not applied. */
  readonly businessDate?: string;
  /** Computes `keys.bodyHash` over the canonical body when given. */
  readonly hasher?: () => Hasher;
  /** Keep the typed message and per-transaction outcomes up to this many transactions (default 10,000). */
  readonly retainTransactionsMax?: number;
  /** Errors kept in `errors` (all are counted in `errorCount`); default 1,000. */
  readonly errorsMax?: number;
  /** Called for each transaction as it is checked, in document order. */
  readonly onTransaction?: (outcome: TransactionOutcome) => void;
}

/** One error as the CLI prints it (`isoclear validate --json`). */
export interface ValidationError {
  readonly rule: string;
  readonly reason: string | null;
  readonly path: string;
  readonly line: number | null;
  readonly message: string;
  /** 0-based transaction the error rejects; null: the whole message. */
  readonly txIndex: number | null;
}

export interface TransactionOutcome {
  /** 0-based position of the repeating element (CdtTrfTxInf, TxInf, …). */
  readonly index: number;
  readonly path: string;
  readonly line: number | null;
  readonly accepted: boolean;
  readonly rejections: readonly Finding[];
  /** The typed transaction, when it was read completely (also when a business rule rejects it). */
  readonly value?: unknown;
  /** Its references, for a status report even when it could not be read completely. */
  readonly refs: TransactionRefs;
  /** Duplicate-detection key: `uetr:<UETR>`, or `<kind>:<instructing agent>:<id>`; null when none. */
  readonly key: string | null;
}

export interface Validation {
  /** From the Document namespace; null when the input is not a recognisable ISO 20022 message. */
  readonly messageType: string | null;
  /** Nothing at all was rejected. */
  readonly accepted: boolean;
  /** A message-level fault: no transaction of this message proceeds. */
  readonly messageRejected: boolean;
  readonly errors: readonly ValidationError[];
  readonly errorCount: number;
  readonly transactionCount: number;
  /** 0-based indexes of the transactions rejected on their own. */
  readonly rejectedTransactions: readonly number[];
  /** The typed message (transactions that were read completely), when retained and not rejected whole. */
  readonly message?: AnyMessage;
  /** Every transaction's outcome, when retained. */
  readonly transactions?: readonly TransactionOutcome[];
  readonly keys: {
    readonly message: MessageKey | null;
    /**
     * Hash of the canonical body — the message version, then each top-level part of the
     * Document as the gateway's writer prints it — when a hasher was given and the message was
     * read completely. White space, prefixes, amount notation and the AppHdr do not change it.
     */
    readonly bodyHash?: string;
  };
}

class Collector {
  readonly errors: ValidationError[] = [];
  count = 0;
  messageRejected = false;
  readonly rejectedTx = new Set<number>();
  constructor(private readonly max: number) {}
  add(f: Finding): void {
    this.count++;
    if (f.txIndex === null) this.messageRejected = true;
    else this.rejectedTx.add(f.txIndex);
    if (this.errors.length < this.max)
      this.errors.push({
        rule: f.rule,
        reason: f.reason,
        path: f.path,
        line: f.line ?? null,
        message: f.message,
        txIndex: f.txIndex,
      });
  }
}

function done(
  c: Collector,
  messageType: string | null,
  transactionCount = 0,
  extra: Partial<Pick<Validation, 'message' | 'transactions' | 'keys'>> = {},
): Validation {
  return {
    messageType,
    accepted: c.count === 0,
    messageRejected: c.messageRejected,
    errors: c.errors,
    errorCount: c.count,
    transactionCount,
    rejectedTransactions: [...c.rejectedTx].sort((a, b) => a - b),
    keys: extra.keys ?? { message: null },
    ...(extra.message ? { message: extra.message } : {}),
    ...(extra.transactions ? { transactions: extra.transactions } : {}),
  };
}

function messageFinding(rule: RuleId, path: string, message: string, line?: number): Finding {
  return finding(rule, path, message, null, line);
}

/** Relocates reader rejections (lines relative to the Document slice) to source lines. */
function relocated(r: Rejection, at: { line: number; column: number }): Rejection {
  return r.line === undefined ? r : { ...r, line: sourceLine(at, r.line) };
}

async function schemaFindings(
  opts: ValidateOptions,
  xml: string,
  type: string,
  at: { line: number; column: number },
): Promise<Finding[]> {
  const issues = relocateIssues(await opts.xsd.validate(xml, type), at);
  if (issues.length === 0) return [];
  let rule: RuleId = 'schema.usage-guideline';
  let shown: readonly XsdIssue[] = issues;
  if (opts.officialXsd) {
    const official = relocateIssues(await opts.officialXsd.validate(xml, type), at);
    if (official.length > 0) [rule, shown] = ['schema.iso', official];
  }
  const prefix = rule === 'schema.iso' ? 'not valid ISO 20022: ' : "outside the gateway's usage guideline: ";
  return shown.map((i) => messageFinding(rule, i.path || '/', prefix + i.message, i.line));
}

/**
 * Validates one inbound business message. Never throws for anything the message contains; an
 * installation fault (a missing schema) is thrown by the XSD port with its ISOCLR_ERR_XSD_* code.
 */
export async function validate(bytes: Uint8Array, opts: ValidateOptions): Promise<Validation> {
  const c = new Collector(opts.errorsMax ?? 1_000);
  const ctx: RuleContext = {
    profile: opts.profile ?? GATEWAY_PROFILE,
    ...(opts.businessDate !== undefined ? { businessDate: opts.businessDate } : {}),
  };
  // L0: the safe-XML gate and the envelope.
  const safe = checkXmlSafety(bytes, opts.limits);
  if (!safe.ok) {
    c.add(scoped(safe.error, null));
    return done(c, null);
  }
  const env = locateEnvelope(safe.value.text, { depthMax: opts.limits.depthMax });
  if (!env.ok) {
    c.add(scoped(env.error, null));
    return done(c, null);
  }
  const e = env.value;
  if (e.messageType === null) {
    c.add(
      messageFinding(
        'envelope.unknown-message',
        '/Document',
        `Document namespace "${e.documentNamespace}" is not an ISO 20022 message namespace`,
        e.documentAt.line,
      ),
    );
    return done(c, null);
  }
  const type = e.messageType;
  if (!isMessageType(type)) {
    c.add(
      messageFinding(
        'envelope.unknown-message',
        '/Document',
        `${type} is not a message version the gateway accepts`,
        e.documentAt.line,
      ),
    );
    return done(c, type);
  }
  let headerVersion: AppHdrVersion | undefined;
  let headerXsd: ValidateOptions | undefined;
  if (e.headerType !== undefined) {
    const hv = e.headerType;
    // The usage guideline's header schema when there is one; else the official one (a header
    // version read for interoperability, e.g. Fedwire's head.001.001.03).
    headerXsd = (await hasSchema(opts.xsd, hv))
      ? opts
      : opts.officialXsd && (await hasSchema(opts.officialXsd, hv))
        ? { ...opts, xsd: opts.officialXsd }
        : undefined;
    if (!isAppHdrVersion(hv) || !headerXsd) {
      c.add(
        messageFinding(
          'envelope.header-version',
          '/AppHdr',
          `AppHdr ${hv}: the gateway reads ${APP_HDR_VERSIONS.join(' and ')}${isAppHdrVersion(hv) ? ' (no schema installed for this one)' : ''}`,
          e.appHdrAt?.line,
        ),
      );
      return done(c, type);
    }
    headerVersion = hv;
  }
  // L1: schemas. Started first; when nobody is told about transactions as they are read, the
  // reader and the rules run meanwhile (an XSD port that works off the main thread overlaps
  // with them), and their findings are dropped if a schema refuses the message.
  const schemaP = Promise.all([
    e.appHdrXml !== undefined && e.appHdrAt && headerXsd && headerVersion
      ? schemaFindings(headerXsd, e.appHdrXml, headerVersion, e.appHdrAt)
      : Promise.resolve([]),
    schemaFindings(opts, e.documentXml, type, e.documentAt),
  ]).then(([h, d]) => [...h, ...d]);
  const located = { ...e, ...(headerVersion ? { headerVersion } : {}) };
  if (opts.onTransaction) {
    const schema = await schemaP;
    if (schema.length > 0) {
      schema.forEach((f) => c.add(f));
      return done(c, type);
    }
    return readAndCheck(located, type, opts, ctx, c);
  }
  const checked = readAndCheck(located, type, opts, ctx, new Collector(opts.errorsMax ?? 1_000));
  const schema = await schemaP;
  if (schema.length > 0) {
    // What the reader made of a schema-invalid message does not count (nor does it throw).
    checked.catch(() => undefined);
    schema.forEach((f) => c.add(f));
    return done(c, type);
  }
  return checked;
}

const schemaLists = new WeakMap<XsdValidator, Promise<readonly string[]>>();

/** Whether a validator has a schema for `type` (its list is read once per validator). */
async function hasSchema(v: XsdValidator, type: string): Promise<boolean> {
  let list = schemaLists.get(v);
  if (!list) {
    list = v.messageTypes();
    schemaLists.set(v, list);
  }
  return (await list).includes(type);
}

interface Located {
  readonly documentXml: string;
  readonly documentAt: { line: number; column: number };
  readonly appHdr?: XmlElement;
  readonly appHdrXml?: string;
  readonly appHdrAt?: { line: number; column: number };
  readonly headerVersion?: AppHdrVersion;
}

async function readAndCheck(
  e: Located,
  type: MessageType,
  opts: ValidateOptions,
  ctx: RuleContext,
  c: Collector,
): Promise<Validation> {
  const layout = layoutOf(type);
  const at = e.documentAt;
  const limits = {
    depthMax: opts.limits.depthMax,
    elementCountMax: opts.limits.elementCountMax,
    textLengthMax: opts.limits.textLengthMax,
  };
  const partNodes: Array<readonly [string, XmlElement, SourceAt]> = [];
  let appHdr: AppHdr | undefined;
  if (e.appHdr) {
    // Read the (small) header again with the streaming reader, which knows source lines.
    let node: XmlElement = e.appHdr;
    const hat = e.appHdrAt ?? at;
    if (e.appHdrXml !== undefined)
      for (const it of streamTransactions(e.appHdrXml, {
        repeatingElement: '',
        headerElements: ['AppHdr'],
        limits,
      }))
        if (it.kind === 'header') node = it.node;
    const hctx = new DecodeContext();
    appHdr = decodeAppHdr(node, hctx, e.headerVersion) as AppHdr;
    hctx.rejections.forEach((r) => c.add(scoped(relocated(r, hat), null)));
    partNodes.push(['/AppHdr', node, hat]);
  }
  const checker = new MessageChecker(type, ctx, appHdr);
  const hasher = opts.hasher?.();
  hasher?.update(`${type}\n`);
  const retainMax = opts.retainTransactionsMax ?? 10_000;
  const parts: Record<string, unknown> = {};
  const decoded: unknown[] = [];
  const outcomes: TransactionOutcome[] = [];
  let retain = true;
  let partsChecked = false;
  let count = 0;
  let amountsComplete = true;
  const root = `/Document/${layout.rootTag}`;
  const partPath = new RegExp(`^/Document/${layout.rootTag}/([A-Za-z0-9]+)(?:\\[(\\d+)\\])?$`);

  const checkParts = (): void => {
    if (partsChecked) return;
    partsChecked = true;
    checker.parts(parts).forEach((f) => c.add(locate(f, partNodes)));
  };
  const hash = (tag: string, typeName: string, value: unknown): void => {
    if (!hasher) return;
    const lines: string[] = [];
    encodeElement(lines, tag, typeName, value, 0);
    hasher.update(`${lines.join('\n')}\n`);
  };

  const items = streamTransactions(e.documentXml, {
    repeatingElement: layout.repeating,
    headerElements: [...layout.parts.keys()],
    namespace: namespaceOf(type),
    limits,
  });
  for (const item of items) {
    if (item.kind === 'rejected') {
      c.add(scoped(relocated(item.rejection, at), null));
      break;
    }
    if (item.kind === 'end') break;
    if (item.kind === 'header') {
      const m = partPath.exec(item.path);
      const spec = m ? layout.parts.get(m[1]!) : undefined;
      if (!m || !spec) {
        c.add(
          messageFinding(
            'xml.structure',
            item.path,
            `${item.node.name} is not a top-level element of ${layout.rootTag}`,
            lineOf(item.node, at) ?? undefined,
          ),
        );
        continue;
      }
      const [tag, [typeName, , max]] = [m[1]!, spec];
      const n = Array.isArray(parts[tag]) ? (parts[tag] as unknown[]).length + 1 : 1;
      const path = max === 1 ? `${root}/${tag}` : `${root}/${tag}[${n}]`;
      const dctx = new DecodeContext();
      const value = decodeElement(item.node, typeName, path, dctx);
      dctx.rejections.forEach((r) => c.add(scoped(relocated(r, at), null)));
      if (max === 1) parts[tag] = value;
      else ((parts[tag] ??= []) as unknown[]).push(value);
      partNodes.push([path, item.node, at]);
      if (partsChecked) checker.lateParts(tag, value, n).forEach((f) => c.add(locate(f, partNodes)));
      hash(tag, typeName, value);
      continue;
    }
    // A transaction.
    checkParts();
    const index = item.index;
    count = index + 1;
    const path = checker.txPath(index);
    const dctx = new DecodeContext();
    const value = decodeElement(item.node, layout.repeatingType, path, dctx);
    const rejections: Finding[] = dctx.rejections.map((r) => scoped(relocated(r, at), index));
    const complete = dctx.rejections.length === 0;
    if (complete)
      rejections.push(
        ...checker.transaction(value, index).map((f) => locate(f, [[path, item.node, at], ...partNodes])),
      );
    else {
      checker.skipTransaction(value);
      amountsComplete = false;
    }
    rejections.forEach((f) => c.add(f));
    if (complete) hash(layout.repeating, layout.repeatingType, value);
    const outcome: TransactionOutcome = {
      index,
      path,
      line: lineOf(item.node, at),
      accepted: rejections.length === 0,
      rejections,
      ...(complete ? { value } : {}),
      refs: transactionRefs(type, value),
      key: transactionKey(type, value, parts, checker.senderBic()),
    };
    opts.onTransaction?.(outcome);
    if (retain && count <= retainMax) {
      outcomes.push(outcome);
      if (complete) decoded.push(value);
    } else {
      retain = false;
      outcomes.length = 0;
      decoded.length = 0;
    }
  }
  checkParts();
  checker.finish({ amountsComplete }).forEach((f) => c.add(locate(f, partNodes)));
  const keys = {
    message: checker.messageKey(parts),
    // Only of a message read completely: a body with an unreadable transaction has no canonical form.
    ...(hasher && !c.messageRejected && amountsComplete ? { bodyHash: hasher.digest() } : {}),
  };
  const message =
    retain && !c.messageRejected
      ? ({
          messageType: type,
          ...(appHdr ? { appHdr } : {}),
          ...(appHdr && e.headerVersion && e.headerVersion !== 'head.001.001.02'
            ? { appHdrVersion: e.headerVersion }
            : {}),
          document: { ...parts, [layout.repeating]: decoded },
        } as unknown as AnyMessage)
      : undefined;
  return done(c, type, count, {
    keys,
    ...(message ? { message } : {}),
    ...(retain ? { transactions: outcomes } : {}),
  });
}

type SourceAt = { line: number; column: number };

/**
 * Gives a rule finding the source line of the element its path names, from the read trees
 * (each with the source position its text starts at).
 */
function locate(f: Finding, nodes: ReadonlyArray<readonly [string, XmlElement, SourceAt]>): Finding {
  if (f.line !== undefined) return f;
  for (const [base, node, at] of nodes) {
    if (f.path !== base && !f.path.startsWith(`${base}/`)) continue;
    let cur = node;
    let line = node.line;
    for (const seg of f.path.slice(base.length).split('/')) {
      const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(seg);
      if (!m) continue;
      const want = m[2] ? Number(m[2]) : 1;
      let k = 0;
      const next = cur.children.find((ch) => ch.name === m[1] && ++k === want);
      if (!next) break;
      cur = next;
      line = cur.line ?? line;
    }
    return line === undefined ? f : { ...f, line: sourceLine(at, line) };
  }
  return f;
}

function lineOf(node: XmlElement, at: { line: number; column: number }): number | null {
  return node.line === undefined ? null : sourceLine(at, node.line);
}

/** Whether `rule` rejects the whole message when it fires. */
export function isMessageLevel(rule: string): boolean {
  return (RULES as Record<string, { scope: string } | undefined>)[rule]?.scope !== 'transaction';
}
