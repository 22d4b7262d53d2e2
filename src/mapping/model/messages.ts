/**
 * The business messages the gateway reads and writes, as typed model objects. A message is its
 * version id, the optional Business Application Header (head.001.001.02) and the Document body
 * (the one element under Document, e.g. FIToFICstmrCdtTrf). Property names are the XML tags of
 * the ISO 20022 message definition, so a path in a rejection reads the same as a property path.
 */
import { DOCUMENT_ROOTS } from './generated/descriptors.js';
import type * as T from './generated/types.js';

/** Versions read and written; camt.053.001.02 is read only (older banks' statements). */
export const MESSAGE_TYPES = [
  'pacs.008.001.08',
  'pacs.009.001.08',
  'pacs.004.001.09',
  'pacs.002.001.10',
  'camt.056.001.08',
  'camt.029.001.09',
  'camt.052.001.08',
  'camt.053.001.08',
  'camt.054.001.08',
  'camt.053.001.02',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The Business Application Header the gateway writes. */
export const APP_HDR_VERSION = 'head.001.001.02';
/** Header versions read: .02 (CBPR+, most schemes) and .03 (Fedwire). They differ only in Rltd. */
export const APP_HDR_VERSIONS = ['head.001.001.02', 'head.001.001.03'] as const;
export type AppHdrVersion = (typeof APP_HDR_VERSIONS)[number];

export function isAppHdrVersion(s: string): s is AppHdrVersion {
  return (APP_HDR_VERSIONS as readonly string[]).includes(s);
}

export interface DocumentBodies {
  'pacs.008.001.08': T.FIToFICustomerCreditTransferV08;
  'pacs.009.001.08': T.FinancialInstitutionCreditTransferV08;
  'pacs.004.001.09': T.PaymentReturnV09;
  'pacs.002.001.10': T.FIToFIPaymentStatusReportV10;
  'camt.056.001.08': T.FIToFIPaymentCancellationRequestV08;
  'camt.029.001.09': T.ResolutionOfInvestigationV09;
  'camt.052.001.08': T.BankToCustomerAccountReportV08;
  'camt.053.001.08': T.BankToCustomerStatementV08;
  'camt.054.001.08': T.BankToCustomerDebitCreditNotificationV08;
  'camt.053.001.02': T.BankToCustomerStatementV02;
}

export type AppHdr = T.BusinessApplicationHeaderV02 | T.BusinessApplicationHeaderV03;

export interface BusinessMessage<M extends MessageType = MessageType> {
  readonly messageType: M;
  readonly appHdr?: AppHdr;
  /** Version of `appHdr`; head.001.001.02 when absent. */
  readonly appHdrVersion?: AppHdrVersion;
  readonly document: DocumentBodies[M];
}

/** A message of any supported type, discriminated by `messageType`. */
export type AnyMessage = { [M in MessageType]: BusinessMessage<M> }[MessageType];

export function isMessageType(s: string): s is MessageType {
  return (MESSAGE_TYPES as readonly string[]).includes(s);
}

/** `urn:iso:std:iso:20022:tech:xsd:<version>` — the Document (or AppHdr) namespace. */
export function namespaceOf(version: string): string {
  return `urn:iso:std:iso:20022:tech:xsd:${version}`;
}

const NS_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';

/** The message version a namespace names, or null when it is not an ISO 20022 namespace. */
export function versionOfNamespace(ns: string): string | null {
  return ns.startsWith(NS_PREFIX) && /^[a-z]{4}\.\d{3}\.\d{3}\.\d{2}$/.test(ns.slice(NS_PREFIX.length))
    ? ns.slice(NS_PREFIX.length)
    : null;
}

/** The element under Document and its ISO type, e.g. FIToFICstmrCdtTrf / FIToFICustomerCreditTransferV08. */
export function documentRoot(type: MessageType | AppHdrVersion): {
  rootTag: string;
  rootType: string;
} {
  return DOCUMENT_ROOTS[type];
}
