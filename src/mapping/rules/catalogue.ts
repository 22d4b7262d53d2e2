/**
 * The catalogue of validation rules: one stable id per rule, the layer it belongs to, the ISO
 * 20022 ExternalStatusReason1Code a rejection carries into the pacs.002, and its scope.
 *
 * Layers (anchors-iso20022-gateway §0.1 and §b): L0 envelope and header, L1 schema, L2 ISO
 * 20022 cross-element rules, L3 the gateway's profile. Scope follows the "Rejection
 * granularity" of the CLI contract: a `message` rule rejects the whole message (nothing in it
 * proceeds); a `transaction` rule rejects only the transaction it names, when it fires inside
 * one. Ids are part of the public contract (`isoclear validate --json`): never rename one;
 * retire it and add a new id instead.
 */
import type { ReasonCode } from '../../domain/index.js';

export type RuleLayer = 'envelope' | 'schema' | 'iso' | 'profile';
export type RuleScope = 'message' | 'transaction';

export interface RuleInfo {
  readonly layer: RuleLayer;
  readonly reason: ReasonCode;
  readonly scope: RuleScope;
  readonly summary: string;
}

const rule = (layer: RuleLayer, reason: ReasonCode, scope: RuleScope, summary: string): RuleInfo => ({
  layer,
  reason,
  scope,
  summary,
});

export const RULES = {
  // L0 — bytes and envelope (emitted by src/mapping/xml: the safe-XML gate and the envelope reader)
  'xml.too-large': rule('envelope', 'FF01', 'message', 'Larger than messageBytesMax.'),
  'xml.compressed': rule('envelope', 'FF01', 'message', 'Compressed input: the gateway never inflates.'),
  'xml.encoding': rule('envelope', 'FF01', 'message', 'Not UTF-8, or invalid UTF-8.'),
  'xml.invalid-utf8': rule('envelope', 'FF01', 'message', 'Bytes that are not valid UTF-8.'),
  'xml.version': rule('envelope', 'FF01', 'message', 'Not XML 1.0.'),
  'xml.forbidden-character': rule(
    'envelope',
    'FF01',
    'message',
    'A character outside the XML 1.0 Char production.',
  ),
  'xml.doctype': rule(
    'envelope',
    'FF01',
    'message',
    'A DOCTYPE (and with it any entity declaration or external subset).',
  ),
  'xml.entity-declaration': rule('envelope', 'FF01', 'message', 'An entity declaration.'),
  'xml.entity-reference': rule(
    'envelope',
    'FF01',
    'message',
    'An entity reference other than the five predefined ones.',
  ),
  'xml.processing-instruction': rule(
    'envelope',
    'FF01',
    'message',
    'A processing instruction other than the XML declaration.',
  ),
  'xml.xinclude': rule('envelope', 'FF01', 'message', 'An XInclude namespace binding.'),
  'xml.depth': rule('envelope', 'FF01', 'message', 'Element nesting deeper than depthMax.'),
  'xml.attribute-count': rule(
    'envelope',
    'FF01',
    'message',
    'More attributes on one element than attributesPerElementMax.',
  ),
  'xml.text-too-long': rule(
    'envelope',
    'FF01',
    'message',
    'A text, attribute value or comment longer than textLengthMax.',
  ),
  'xml.element-count': rule('envelope', 'FF01', 'message', 'More elements than elementCountMax.'),
  'xml.name-too-long': rule('envelope', 'FF01', 'message', 'A name longer than nameLengthMax.'),
  'xml.reserved-name': rule(
    'envelope',
    'FF01',
    'message',
    'An element or attribute named __proto__, constructor or prototype.',
  ),
  'xml.comment-in-value': rule(
    'envelope',
    'FF01',
    'message',
    'A comment inside an element that carries text.',
  ),
  'xml.malformed': rule('envelope', 'FF01', 'message', 'Not well-formed XML.'),
  'xml.namespace': rule('envelope', 'FF01', 'message', 'An undeclared namespace prefix.'),
  'envelope.no-document': rule(
    'envelope',
    'FF01',
    'message',
    'No ISO 20022 Document (urn:iso:std:iso:20022:tech:xsd:…) was found.',
  ),
  'envelope.unknown-message': rule(
    'envelope',
    'FF01',
    'message',
    'The Document is not an ISO 20022 message version the gateway accepts.',
  ),
  'envelope.duplicate-document': rule(
    'envelope',
    'FF01',
    'message',
    'A second Document in one business message (signature wrapping).',
  ),
  'envelope.duplicate-header': rule(
    'envelope',
    'FF01',
    'message',
    'A second AppHdr in one business message.',
  ),
  'envelope.unknown-header': rule('envelope', 'FF01', 'message', 'An AppHdr that is not head.001.001.xx.'),
  'envelope.header-mismatch': rule(
    'envelope',
    'FF01',
    'message',
    'AppHdr MsgDefIdr names another message version than the Document namespace (CBPR+ R6).',
  ),
  'envelope.header-version': rule(
    'envelope',
    'FF01',
    'message',
    'An AppHdr of another version than head.001.001.02.',
  ),
  // L0 — Business Application Header against the Document (the gateway's profile)
  'header.business-message-id': rule(
    'profile',
    'CH16',
    'message',
    'AppHdr BizMsgIdr must equal GrpHdr MsgId (CBPR+ R5).',
  ),
  'header.from': rule(
    'profile',
    'AGNT',
    'message',
    'AppHdr Fr must be the BIC of the instructing agent (CBPR+ R2).',
  ),
  'header.to': rule(
    'profile',
    'AGNT',
    'message',
    'AppHdr To must be the BIC of the instructed agent (CBPR+ R3).',
  ),
  // L1 — schemas
  'schema.iso': rule(
    'schema',
    'FF01',
    'message',
    'Not valid against the official ISO 20022 schema of its message version.',
  ),
  'schema.usage-guideline': rule(
    'schema',
    'FF01',
    'message',
    "Valid ISO 20022, but outside the gateway's usage guideline (schemas/iso20022).",
  ),
  'xml.structure': rule(
    'schema',
    'FF01',
    'message',
    'An element is missing, repeated, unknown or out of order for the typed reader.',
  ),
  // L2 — ISO 20022 cross-element rules
  'amount.precision': rule(
    'iso',
    'CH20',
    'transaction',
    'More decimals than the ISO 4217 minor unit of the currency (ISO 20022 CurrencyAmount rule).',
  ),
  'amount.currency': rule('iso', 'AM03', 'transaction', 'Not an active ISO 4217 currency with a minor unit.'),
  'amount.digits': rule(
    'iso',
    'AM12',
    'transaction',
    'More than 18 digits (ISO 20022 ActiveCurrencyAndAmount totalDigits).',
  ),
  'amount.zero': rule('iso', 'AM01', 'transaction', 'A transferred amount equal to zero.'),
  'group.number-of-transactions': rule(
    'iso',
    'AM18',
    'message',
    'NbOfTxs must equal the number of transactions in the message.',
  ),
  'group.control-sum': rule(
    'iso',
    'AM10',
    'message',
    'CtrlSum must equal the sum of the transaction amounts.',
  ),
  'group.total-amount': rule(
    'iso',
    'AM10',
    'message',
    'The group total settlement amount must equal the sum of the transaction settlement amounts, in the same currency.',
  ),
  'account.iban': rule(
    'iso',
    'AC01',
    'transaction',
    'An IBAN must pass the ISO 13616 country format and MOD-97 check.',
  ),
  'account.iban.debtor': rule(
    'iso',
    'AC02',
    'transaction',
    "The debtor's IBAN must pass the ISO 13616 country format and MOD-97 check.",
  ),
  'account.iban.creditor': rule(
    'iso',
    'AC03',
    'transaction',
    "The creditor's IBAN must pass the ISO 13616 country format and MOD-97 check.",
  ),
  'agent.bic': rule(
    'iso',
    'RC01',
    'transaction',
    'A BIC must be a well-formed ISO 9362 identifier with an ISO 3166 country code.',
  ),
  'uetr.format': rule(
    'iso',
    'CH16',
    'transaction',
    'A UETR must be a lower-case RFC 4122 version 4 UUID (SWIFT gpi).',
  ),
  'settlement-date.missing': rule(
    'iso',
    'DT01',
    'transaction',
    'No interbank settlement date, neither in the transaction nor in the group header.',
  ),
  // L3 — the gateway's profile
  'profile.one-currency': rule(
    'profile',
    'CURR',
    'message',
    'All transactions of one message must settle in one currency.',
  ),
  'profile.one-settlement-date': rule(
    'profile',
    'DT01',
    'message',
    'All transactions of one message must share one interbank settlement date.',
  ),
  'profile.settlement-date-window': rule(
    'profile',
    'DT01',
    'transaction',
    'The interbank settlement date must fall within the window around the business date.',
  ),
  'profile.transaction-key': rule(
    'profile',
    'CH21',
    'transaction',
    'A transaction must carry a UETR or a TxId, so that it has a duplicate-detection key.',
  ),
  'profile.charset': rule(
    'profile',
    'RR10',
    'transaction',
    "Text must use the gateway's character set (Latin letters, digits, space, SWIFT/EPC punctuation).",
  ),
} as const;

export type RuleId = keyof typeof RULES;

export function isRuleId(s: string): s is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, s);
}
