/**
 * mapping/xml — the ISO 20022 message layer's front door. It owns the safe-XML gate (the only
 * code that touches untrusted bytes before a parser), envelope detection (AppHdr + Document
 * found by namespace inside any wrapper), the tree parser (fast-xml-parser) and the streaming
 * reader (saxes) that both yield the one `XmlNode` shape, and its accessors.
 *
 * Order of use: `checkXmlSafety(bytes, limits)` → `locateEnvelope` / `readEnvelope(text)` →
 * XSD-validate `documentXml` (mapping/xsd) → map from `document` (single messages) or from
 * `streamTransactions(documentXml)` (bulk files).
 *
 * May import: src/domain, fast-xml-parser, saxes. Pure: no I/O, no clock, no randomness.
 * Invariants: no parser ever sees input that the gate refused (DOCTYPE, entities beyond the five
 * predefined ones, XInclude, PIs, non-UTF-8, inputs past the size/depth/count/length limits);
 * every refusal is a Rejection with an `xml.*` / `envelope.*` rule, reason FF01, path, line and
 * column; values are never coerced (amounts and identifiers stay text).
 */
export { checkXmlSafety, type SafeXml, type XmlLimits } from './safe.js';
export {
  locateEnvelope,
  readEnvelope,
  sourceLine,
  type Envelope,
  type EnvelopeOptions,
  type ReadEnvelope,
} from './envelope.js';
export { parseXml, decodeEntities, type ParseLimits } from './parse.js';
export {
  streamTransactions,
  streamTransactionsAsync,
  TransactionReader,
  type StreamItem,
  type StreamLimits,
  type StreamOptions,
} from './stream.js';
export { attr, child, children, descend, text, textAt, type XmlNode } from './node.js';
export { isoMessageType } from './namespaces.js';
export { positionAt, type SourcePosition } from './position.js';
