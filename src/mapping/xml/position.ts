/**
 * Source positions for people: 1-based line and column of an offset in a decoded message text.
 * Columns count Unicode characters (code points), as editors do, not UTF-16 code units. Only
 * called when something is reported, so the linear count is not on the hot path.
 */

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export function positionAt(text: string, offset: number): SourcePosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < end; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is one character: count its high half only.
    if (c < 0xdc00 || c > 0xdfff) column++;
  }
  return { line, column };
}
