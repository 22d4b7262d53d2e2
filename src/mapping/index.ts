/**
 * mapping — ISO 20022 XML ⇄ the typed message model, and everything between bytes and a
 * decision: the safe-XML gate and envelope reader (mapping/xml), the XSD port (mapping/xsd), the
 * typed readers and writers generated from the official schemas (model, read, write), the
 * business rules with stable ids and ISO reason codes (rules), the reply builders (pacs.002,
 * pacs.004, camt.029, forwarded pacs.008, camt.052/053/054) and `validate`, the front door for
 * every inbound message.
 *
 * May import: src/domain, fast-xml-parser, saxes, ibantools. Pure: no I/O, no clock, no
 * randomness — `now` and identifiers are arguments of the builders, the XSD validators and the
 * hash function are injected into `validate`; their adapters live in mapping/xsd/index.io.ts.
 *
 * Invariants: every amount is Money, parsed from XML text once (parseAmount) and never
 * rounded — more decimals than the currency allows is a rejection; the writer emits elements
 * in XSD order and amounts with exactly the currency's minor digits, deterministically; a
 * reader never drops or invents a field (anything it cannot place is a rejection); every
 * rejection names a catalogued rule, an ISO ExternalStatusReason1Code, the element path and,
 * where known, the source line; a statement's closing balance equals opening + booked entries.
 */

// The model
export type * as Iso from './model/generated/types.js';
export {
  APP_HDR_VERSION,
  APP_HDR_VERSIONS,
  MESSAGE_TYPES,
  isAppHdrVersion,
  isMessageType,
  namespaceOf,
  versionOfNamespace,
  type AnyMessage,
  type AppHdr,
  type AppHdrVersion,
  type BusinessMessage,
  type DocumentBodies,
  type MessageType,
} from './model/messages.js';
export type { AnyXml, CurrencyDecimal } from './model/scalars.js';
export { layoutOf, type Layout } from './model/layout.js';
export { agentBic, partyBic } from './model/agents.js';

// Reading and writing
export type { XmlElement } from './read/tree.js';
export { readAppHdr, readDocument, readMessage } from './read/message.js';
export {
  DEFAULT_ENVELOPE,
  writeAppHdr,
  writeDocument,
  writeMessage,
  type EnvelopeName,
} from './write/message.js';

// Rules
export {
  RULES,
  isRuleId,
  type RuleId,
  type RuleInfo,
  type RuleLayer,
  type RuleScope,
} from './rules/catalogue.js';
export { GATEWAY_PROFILE, GATEWAY_TEXT, type Profile, type RuleContext } from './rules/profile.js';
export { MessageChecker, checkMessage } from './rules/check.js';
export type { Finding } from './rules/findings.js';
export {
  messageKey,
  transactionKey,
  transactionRefs,
  type MessageKey,
  type TransactionRefs,
} from './rules/keys.js';

// The front door (the XSD validator adapters are in ./xsd/index.io.js, for shells)
export type { XmlLimits } from './xml/index.js';
export type { XsdValidator } from './xsd/index.js';
export {
  validate,
  type Hasher,
  type TransactionOutcome,
  type Validation,
  type ValidationError,
  type ValidateOptions,
} from './validate.js';

// Reply builders
export { originalGroupOf, type BuildContext, type OriginalGroup } from './write/build.js';
export { withAppHdr, type HeaderInput } from './write/header.js';
export {
  buildStatusReport,
  statusReportFromValidation,
  type GroupStatus,
  type StatusReason,
  type StatusReportInput,
  type TransactionStatus,
  type TransactionStatusEntry,
} from './write/status-report.js';
export { buildReturn, type ReturnInput, type ReturnItem } from './write/return.js';
export {
  buildResolution,
  buildResolutions,
  requestedTransactions,
  type CancellationDecision,
  type ResolutionInput,
} from './write/resolution.js';
export { buildForward, type ForwardInput, type ForwardItem } from './write/forward.js';
export {
  buildAccountReport,
  buildNotification,
  buildStatement,
  type AccountEntry,
  type AccountReport,
  type BalanceInput,
  type Counterparty,
} from './write/account-report.js';
