/**
 * Pure helpers around XSD issues: move them from a part's own line numbers to the source
 * message's, and turn them into Rejections for the status report.
 */
import { rejection, type Rejection } from '../../domain/index.js';
import type { SourcePosition } from '../xml/position.js';
import type { XsdIssue } from './port.js';

/**
 * Issues found in a part sliced out of a larger message (the envelope's `documentXml`, which
 * starts at `at`) expressed in the source's lines. A column on the part's first line is not
 * comparable (the slice starts mid-line and may carry inherited namespace declarations), so it
 * becomes null.
 */
export function relocateIssues(issues: readonly XsdIssue[], at: SourcePosition): XsdIssue[] {
  return issues.map((i) => ({ ...i, line: i.line + at.line - 1, column: i.line === 1 ? null : i.column }));
}

/**
 * One Rejection per issue: rule `xsd.invalid`, reason FF01 (ExternalStatusReason1Code
 * InvalidFileFormat, "File Format incomplete or invalid" — the code schemes such as the EPC SCT
 * rulebook use for a message that fails its schema).
 */
export function issuesToRejections(issues: readonly XsdIssue[]): Rejection[] {
  return issues.map((i) =>
    rejection('xsd.invalid', 'FF01', i.path || '/', i.message, {
      line: i.line,
      ...(i.column === null ? {} : { column: i.column }),
    }),
  );
}
