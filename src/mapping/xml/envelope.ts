/**
 * Finds the ISO 20022 message inside whatever wraps it: a bare `Document`, or a Business
 * Application Header (`AppHdr`, head.001.001.0x) and a `Document` as siblings under any root —
 * `<Envelope>`, `<BizMsg>`, `<message>`, `<FedNowIncoming>`, SAA `DataPDU` bodies — at any depth,
 * with any prefixes (`<h:AppHdr>`, `<doc:Document>`). Parts are found by NAMESPACE, never by
 * position or prefix: the Document is the element with local name `Document` in a namespace
 * `urn:iso:std:iso:20022:tech:xsd:<message id>`, the header is `AppHdr` in
 * `urn:iso:std:iso:20022:tech:xsd:head.001.001.0x`. The message type is read from the Document
 * namespace (ISO 20022 XML design rules: one namespace per message definition version).
 *
 * The text of each part is sliced from the source by offsets (not re-serialised), so XSD
 * validation sees the bytes the sender signed. Namespace declarations the part inherits from
 * its ancestors (an envelope that binds `xmlns:doc`) are added to the part's start tag, so the
 * slice is a namespace-well-formed document on its own; this only shifts columns on the part's
 * first line. Line L of a part is source line `at.line + L - 1` (see `sourceLine`).
 *
 * Refusals (rule, reason FF01 InvalidFileFormat): `envelope.no-document`; `envelope.unknown-message`
 * (the Document namespace is not an ISO 20022 message namespace, or not one the caller
 * supports — never silently mapped to a neighbouring version, catalogue X13);
 * `envelope.duplicate-document` / `envelope.duplicate-header` (a second Document or AppHdr is the
 * signature-wrapping pattern, X16); `envelope.unknown-header` (an AppHdr outside head.001);
 * `envelope.header-mismatch` (the header's MsgDefIdr names another message than the Document
 * namespace — CBPR+ rule R6, and generally sound). Input must have passed `checkXmlSafety`.
 */
import { SaxesParser } from 'saxes';
import { err, ok, rejection, type Rejection, type Result } from '../../domain/index.js';
import { isHeaderType, isoMessageType, NamespaceScope, splitQName } from './namespaces.js';
import { textAt, type XmlNode } from './node.js';
import { parseXml } from './parse.js';
import { positionAt, type SourcePosition } from './position.js';

export interface EnvelopeOptions {
  readonly depthMax: number;
  /**
   * Message identifiers accepted (e.g. 'pacs.008.001.08'). When given, any other Document
   * namespace is refused with `envelope.unknown-message`; when absent, an unrecognised
   * namespace yields `messageType: null` for the caller to decide.
   */
  readonly supportedMessageTypes?: Iterable<string>;
}

export interface Envelope {
  /** The message identifier from the Document namespace, e.g. 'pacs.008.001.08'. */
  readonly messageType: string | null;
  readonly documentNamespace: string;
  /** The Document subtree as text, ready for XSD validation. */
  readonly documentXml: string;
  /** Where the Document start tag begins in the source text. */
  readonly documentAt: SourcePosition;
  /** Local name of the outermost element: 'Document' for a bare message. */
  readonly root: string;
  /** The header's message identifier, e.g. 'head.001.001.02', when an AppHdr is present. */
  readonly headerType?: string;
  readonly appHdr?: XmlNode;
  readonly appHdrXml?: string;
  readonly appHdrAt?: SourcePosition;
}

export interface ReadEnvelope extends Envelope {
  readonly document: XmlNode;
}

interface Part {
  readonly kind: 'document' | 'header' | 'foreign-document' | 'foreign-header';
  readonly qname: string;
  readonly ns: string;
  readonly start: number;
  readonly depth: number;
  readonly inherited: ReadonlyArray<readonly [string, string]>;
  end: number;
}

const HEAD_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:head\.001\.001\.[0-9]{2}$/;
const R = 'FF01' as const;

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function sliceOf(text: string, part: Part): string {
  const nameEnd = part.start + 1 + part.qname.length;
  const decls = part.inherited.map(([p, u]) => ` ${p ? `xmlns:${p}` : 'xmlns'}="${escapeAttr(u)}"`).join('');
  return text.slice(part.start, nameEnd) + decls + text.slice(nameEnd, part.end);
}

/** The source line of line `line` of a part that starts at `at`. */
export function sourceLine(at: SourcePosition, line: number): number {
  return at.line + line - 1;
}

class Abort extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.message);
  }
}

function scan(text: string): Result<{ parts: Part[]; root: string }, Rejection> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const scope = new NamespaceScope();
  const parts: Part[] = [];
  let root = '';
  let depth = 0;
  let inside: Part | null = null;
  let start = 0;
  const fail = (r: Rejection): never => {
    throw new Abort(r);
  };
  parser.on('opentagstart', () => {
    start = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag) => {
    depth++;
    const own = scope.push(tag.attributes);
    const { prefix, local } = splitQName(tag.name);
    const ns = scope.resolve(prefix);
    if (ns === undefined)
      fail(
        rejection(
          'xml.namespace',
          R,
          '/',
          `namespace prefix "${prefix}" of <${tag.name}> is not declared`,
          positionAt(text, start),
        ),
      );
    if (depth === 1) root = local;
    if (inside || (local !== 'Document' && local !== 'AppHdr')) return;
    const type = isoMessageType(ns!);
    const kind: Part['kind'] =
      local === 'Document'
        ? type !== null && !isHeaderType(type)
          ? 'document'
          : 'foreign-document'
        : HEAD_NAMESPACE.test(ns!)
          ? 'header'
          : 'foreign-header';
    const inherited = [...scope.inScope()].filter(([p]) => !own?.has(p));
    const part: Part = { kind, qname: tag.name, ns: ns!, start, depth, inherited, end: -1 };
    parts.push(part);
    if (kind === 'document' || kind === 'header') inside = part;
  });
  parser.on('closetag', () => {
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (p.end < 0 && p.depth === depth) {
        p.end = parser.position;
        break;
      }
    }
    if (inside && inside.depth === depth) inside = null;
    depth--;
    scope.pop();
  });
  parser.on('error', (e) =>
    fail(
      rejection('xml.malformed', R, '/', `not well-formed XML: ${e.message}`, {
        line: parser.line,
        column: parser.column + 1,
      }),
    ),
  );
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof Abort) return err(e.rejection);
    throw e;
  }
  return ok({ parts, root });
}

/** Locates the Document and AppHdr and slices their text; parses only the (small) header. */
export function locateEnvelope(text: string, options: EnvelopeOptions): Result<Envelope, Rejection> {
  const scanned = scan(text);
  if (!scanned.ok) return scanned;
  const { parts, root } = scanned.value;
  const at = (p: Part) => positionAt(text, p.start);
  const docs = parts.filter((p) => p.kind === 'document');
  const headers = parts.filter((p) => p.kind === 'header');
  if (docs.length > 1)
    return err(
      rejection(
        'envelope.duplicate-document',
        R,
        '/',
        'a second ISO 20022 Document: a message carries exactly one (a second one is the signature-wrapping pattern)',
        at(docs[1]!),
      ),
    );
  if (headers.length > 1)
    return err(
      rejection(
        'envelope.duplicate-header',
        R,
        '/',
        'a second Business Application Header (AppHdr): a message carries at most one',
        at(headers[1]!),
      ),
    );
  const foreignHeader = parts.find((p) => p.kind === 'foreign-header');
  if (foreignHeader)
    return err(
      rejection(
        'envelope.unknown-header',
        R,
        '/',
        `AppHdr in namespace "${foreignHeader.ns}" is not an ISO 20022 Business Application Header (head.001.001.xx)`,
        at(foreignHeader),
      ),
    );
  const doc = docs[0] ?? parts.find((p) => p.kind === 'foreign-document');
  if (!doc)
    return err(
      rejection(
        'envelope.no-document',
        R,
        '/',
        `no ISO 20022 Document element (namespace urn:iso:std:iso:20022:tech:xsd:<message>) under <${root}>`,
      ),
    );
  const messageType = doc.kind === 'document' ? isoMessageType(doc.ns) : null;
  if (options.supportedMessageTypes !== undefined) {
    const supported = new Set(options.supportedMessageTypes);
    if (messageType === null || !supported.has(messageType))
      return err(
        rejection(
          'envelope.unknown-message',
          R,
          '/Document',
          messageType === null
            ? `Document namespace "${doc.ns}" is not an ISO 20022 message namespace`
            : `message ${messageType} is not supported here (supported: ${[...supported].sort().join(', ') || 'none'})`,
          at(doc),
        ),
      );
  }
  const envelope: {
    -readonly [K in keyof Envelope]: Envelope[K];
  } = {
    messageType,
    documentNamespace: doc.ns,
    documentXml: sliceOf(text, doc),
    documentAt: at(doc),
    root,
  };
  const hdr = headers[0];
  if (hdr) {
    const appHdrXml = sliceOf(text, hdr);
    const parsed = parseXml(appHdrXml, options);
    if (!parsed.ok) return parsed;
    const defIdr = textAt(parsed.value, 'MsgDefIdr')?.trim();
    if (defIdr !== undefined && messageType !== null && defIdr !== messageType)
      return err(
        rejection(
          'envelope.header-mismatch',
          R,
          '/AppHdr/MsgDefIdr',
          `AppHdr MsgDefIdr "${defIdr.slice(0, 40)}" does not match the Document namespace, which is ${messageType}`,
          at(hdr),
        ),
      );
    envelope.headerType = isoMessageType(hdr.ns)!;
    envelope.appHdr = parsed.value;
    envelope.appHdrXml = appHdrXml;
    envelope.appHdrAt = at(hdr);
  }
  return ok(envelope);
}

/** `locateEnvelope`, plus the Document parsed into an XmlNode tree (for single messages). */
export function readEnvelope(text: string, options: EnvelopeOptions): Result<ReadEnvelope, Rejection> {
  const located = locateEnvelope(text, options);
  if (!located.ok) return located;
  const document = parseXml(located.value.documentXml, options);
  if (!document.ok) return document;
  return ok({ ...located.value, document: document.value });
}
