/**
 * mapping/xsd — the XSD validation port (pure half). It owns the `XsdValidator` interface that
 * the pipeline depends on, the issue type, and pure helpers that place issues in the source
 * message and turn them into Rejections. The adapters live behind index.io.ts (libxml2-wasm by
 * default; Xerces as a second opinion, selected with XSD_VALIDATOR).
 *
 * May import: src/domain, mapping/xml (types). Pure.
 * Invariants: a schema is chosen by message identifier from a local directory, never from the
 * message (`xsi:schemaLocation` is never followed); an installation fault (missing or broken
 * schema, no Java) is thrown with an ISOCLR_ERR_XSD_* code, never reported as a message fault.
 */
export {
  MESSAGE_TYPE_PATTERN,
  XsdSchemaError,
  XsdValidatorError,
  type XsdIssue,
  type XsdValidator,
} from './port.js';
export { issuesToRejections, relocateIssues } from './issues.js';
