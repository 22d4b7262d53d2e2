/**
 * The XSD validation port. Validators are adapters (`*.io.ts`): libxml2-wasm in process (the
 * default), Xerces through a JVM per call (a second opinion for conformance checks only).
 * The schema is chosen by message identifier from the adapter's schema directory
 * (`<dir>/<messageType>.xsd`), never from anything the message says (`xsi:schemaLocation` is
 * ignored).
 */

export interface XsdIssue {
  /** 1-based line in the validated text. */
  readonly line: number;
  /** 1-based column, or null when the validator does not report one (libxml2 schema errors). */
  readonly column: number | null;
  /** Element path, e.g. /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[3]/IntrBkSttlmAmt, or '' if unknown. */
  readonly path: string;
  readonly message: string;
}

export interface XsdValidator {
  /** Which validator this is ('libxml2' | 'xerces'), for logs. */
  readonly kind: string;
  /**
   * Validates one message part (a Document or an AppHdr, as sliced by the envelope) against the
   * schema of `messageType` (e.g. 'pacs.008.001.08'). Resolves to every issue found; an empty
   * list means valid. Rejects with an XsdSchemaError (code ISOCLR_ERR_XSD_SCHEMA) when the schema
   * is missing or does not compile — an installation fault, not a property of the message.
   */
  validate(xml: string, messageType: string): Promise<XsdIssue[]>;
  /** Message identifiers this validator has schemas for. */
  messageTypes(): Promise<readonly string[]>;
  /** Releases compiled schemas. The validator must not be used afterwards. */
  close(): Promise<void>;
}

export class XsdSchemaError extends Error {
  readonly code = 'ISOCLR_ERR_XSD_SCHEMA';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XsdSchemaError';
  }
}

/** Infrastructure failure of a validator (JVM missing, time limit, crash). */
export class XsdValidatorError extends Error {
  constructor(
    readonly code: 'ISOCLR_ERR_XSD_JAVA_MISSING' | 'ISOCLR_ERR_XSD_TIMEOUT' | 'ISOCLR_ERR_XSD_VALIDATOR',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'XsdValidatorError';
  }
}

/** ISO 20022 message identifier: <area>.<message>.<variant>.<version>, e.g. pacs.008.001.08. */
export const MESSAGE_TYPE_PATTERN = /^[a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2}$/;
