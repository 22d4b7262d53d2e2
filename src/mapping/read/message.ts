/**
 * Element tree → typed message. Each reader returns the model or every rejection found, with
 * paths rooted at /Document/<root>/… (and /AppHdr/… for the header) and source lines.
 */
import { err, ok, type Rejection, type Result } from '../../domain/index.js';
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
import { DecodeContext, decodeElement } from './decode.js';
import type { XmlElement } from './tree.js';

/** Reads the body of a Document element (the element named Document itself). */
export function readDocument<M extends MessageType>(
  type: M,
  documentEl: XmlElement,
): Result<DocumentBodies[M], Rejection[]> {
  const ctx = new DecodeContext();
  const body = decodeDocument(type, documentEl, ctx);
  return ctx.rejections.length ? err(ctx.rejections) : ok(body as DocumentBodies[M]);
}

export function decodeDocument(type: MessageType, documentEl: XmlElement, ctx: DecodeContext): unknown {
  const { rootTag, rootType } = documentRoot(type);
  const ns = namespaceOf(type);
  const roots = documentEl.children;
  const root = roots[0];
  if (
    documentEl.name !== 'Document' ||
    documentEl.ns !== ns ||
    roots.length !== 1 ||
    !root ||
    root.name !== rootTag
  ) {
    ctx.reject(
      'xml.structure',
      '/Document',
      `a ${type} Document holds exactly one ${rootTag}`,
      documentEl.line,
    );
    return undefined;
  }
  return decodeElement(root, rootType, `/Document/${rootTag}`, ctx);
}

export function readAppHdr(
  el: XmlElement,
  version: AppHdrVersion = APP_HDR_VERSION,
): Result<AppHdr, Rejection[]> {
  const ctx = new DecodeContext();
  const hdr = decodeAppHdr(el, ctx, version);
  return ctx.rejections.length ? err(ctx.rejections) : ok(hdr as AppHdr);
}

export function decodeAppHdr(
  el: XmlElement,
  ctx: DecodeContext,
  version: AppHdrVersion = APP_HDR_VERSION,
): unknown {
  const { rootTag, rootType } = documentRoot(version);
  if (el.name !== rootTag || el.ns !== namespaceOf(version)) {
    ctx.reject('xml.structure', `/${rootTag}`, `expected a ${version} AppHdr`, el.line);
    return undefined;
  }
  return decodeElement(el, rootType, `/${rootTag}`, ctx);
}

/** Reads a whole business message from its parts (found by the envelope reader). */
export function readMessage(parts: {
  messageType: MessageType;
  appHdr?: XmlElement;
  appHdrVersion?: AppHdrVersion;
  document: XmlElement;
}): Result<AnyMessage, Rejection[]> {
  const ctx = new DecodeContext();
  const version = parts.appHdrVersion ?? APP_HDR_VERSION;
  const appHdr = parts.appHdr ? (decodeAppHdr(parts.appHdr, ctx, version) as AppHdr) : undefined;
  const document = decodeDocument(parts.messageType, parts.document, ctx);
  if (ctx.rejections.length) return err(ctx.rejections);
  return ok({
    messageType: parts.messageType,
    ...(appHdr ? { appHdr, ...(version !== APP_HDR_VERSION ? { appHdrVersion: version } : {}) } : {}),
    document,
  } as AnyMessage);
}
