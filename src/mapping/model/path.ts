/**
 * Element paths built lazily: each step adds one link, and the text
 * (/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/IntrBkSttlmAmt) is made only when a rejection
 * needs it — a 10,000-transaction file would otherwise build millions of path strings.
 */
export interface PathLink {
  readonly up: PathLink | string;
  readonly seg: string;
}

/** A path: its text, or a link to a parent path plus one step. */
export type Path = PathLink | string;

export function pathText(p: Path): string {
  if (typeof p === 'string') return p;
  const segs: string[] = [];
  let cur: Path = p;
  while (typeof cur !== 'string') {
    segs.push(cur.seg);
    cur = cur.up;
  }
  return `${cur}/${segs.reverse().join('/')}`;
}
