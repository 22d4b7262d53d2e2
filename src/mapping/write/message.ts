/**
 * Model → XML text for whole business messages: a bare Document, a bare AppHdr, or both inside
 * an envelope element. Namespaces are `urn:iso:std:iso:20022:tech:xsd:<version>` as default
 * namespaces, no prefixes; the output is deterministic.
 */
import {
  APP_HDR_VERSION,
  documentRoot,
  namespaceOf,
  type AnyMessage,
  type AppHdr,
  type AppHdrVersion,
  type DocumentBodies,
  type MessageType,
} from '../model/messages.js';
import { encodeElement, escapeAttr, type Lines } from './encode.js';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

/** The envelope the gateway wraps an AppHdr and a Document in (any element name works on input). */
export interface EnvelopeName {
  readonly name: string;
  readonly ns: string;
}

export const DEFAULT_ENVELOPE: EnvelopeName = { name: 'BizMsg', ns: 'urn:isoclear:xsd:envelope' };

export function encodeDocument<M extends MessageType>(
  out: Lines,
  type: M,
  body: DocumentBodies[M],
  depth = 0,
): void {
  const { rootTag, rootType } = documentRoot(type);
  const pad = '  '.repeat(depth);
  out.push(`${pad}<Document xmlns="${escapeAttr(namespaceOf(type))}">`);
  encodeElement(out, rootTag, rootType, body, depth + 1);
  out.push(`${pad}</Document>`);
}

export function encodeAppHdr(
  out: Lines,
  hdr: AppHdr,
  depth = 0,
  version: AppHdrVersion = APP_HDR_VERSION,
): void {
  const { rootTag, rootType } = documentRoot(version);
  encodeElement(out, rootTag, rootType, hdr, depth, ` xmlns="${namespaceOf(version)}"`);
}

/** A bare Document, with the XML declaration. */
export function writeDocument<M extends MessageType>(type: M, body: DocumentBodies[M]): string {
  const out: Lines = [XML_DECL];
  encodeDocument(out, type, body);
  return `${out.join('\n')}\n`;
}

export function writeAppHdr(hdr: AppHdr, version: AppHdrVersion = APP_HDR_VERSION): string {
  const out: Lines = [XML_DECL];
  encodeAppHdr(out, hdr, 0, version);
  return `${out.join('\n')}\n`;
}

/**
 * A business message: the bare Document when it has no AppHdr, else the AppHdr and the Document
 * inside `envelope` (default <BizMsg xmlns="urn:isoclear:xsd:envelope">).
 */
export function writeMessage(msg: AnyMessage, envelope: EnvelopeName = DEFAULT_ENVELOPE): string {
  if (!msg.appHdr) return writeDocument(msg.messageType, msg.document as never);
  const out: Lines = [XML_DECL, `<${envelope.name} xmlns="${escapeAttr(envelope.ns)}">`];
  encodeAppHdr(out, msg.appHdr, 1, msg.appHdrVersion ?? APP_HDR_VERSION);
  encodeDocument(out, msg.messageType, msg.document as never, 1);
  out.push(`</${envelope.name}>`);
  return `${out.join('\n')}\n`;
}
