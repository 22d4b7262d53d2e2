/**
 * How each message version is cut into parts for streaming and for transaction-level
 * rejection: the element under Document, the repeating element at its top level that is read
 * (and rejected) one at a time, and the other top-level elements ("header parts", read whole).
 * Derived from the generated descriptors, so it cannot drift from the schema.
 */
import { assert } from '../../domain/index.js';
import { TYPES } from './generated/descriptors.js';
import { documentRoot, type MessageType } from './messages.js';

export interface Layout {
  readonly messageType: MessageType;
  readonly rootTag: string;
  readonly rootType: string;
  /** Tag and ISO type of the repeating top-level element (a "transaction" for rejections). */
  readonly repeating: string;
  readonly repeatingType: string;
  /** Every other top-level element: tag → [ISO type, minOccurs, maxOccurs]. */
  readonly parts: ReadonlyMap<string, readonly [type: string, min: number, max: number]>;
}

const REPEATING: Readonly<Record<MessageType, string>> = {
  'pacs.008.001.08': 'CdtTrfTxInf',
  'pacs.009.001.08': 'CdtTrfTxInf',
  'pacs.004.001.09': 'TxInf',
  'pacs.002.001.10': 'TxInfAndSts',
  'camt.056.001.08': 'Undrlyg',
  'camt.029.001.09': 'CxlDtls',
  'camt.052.001.08': 'Rpt',
  'camt.053.001.08': 'Stmt',
  'camt.054.001.08': 'Ntfctn',
  'camt.053.001.02': 'Stmt',
};

const cache = new Map<MessageType, Layout>();

export function layoutOf(messageType: MessageType): Layout {
  const hit = cache.get(messageType);
  if (hit) return hit;
  const { rootTag, rootType } = documentRoot(messageType);
  const d = TYPES[rootType];
  assert(d !== undefined && d.k === 'seq', () => `${rootType} is not a sequence`);
  const repeating = REPEATING[messageType];
  const rf = d.f.find((f) => f[0] === repeating);
  assert(rf !== undefined, () => `${repeating} is not an element of ${rootType}`);
  const parts = new Map(
    d.f.filter((f) => f[0] !== repeating).map((f) => [f[0], [f[1], f[2], f[3]] as const]),
  );
  const layout: Layout = { messageType, rootTag, rootType, repeating, repeatingType: rf[1], parts };
  cache.set(messageType, layout);
  return layout;
}
