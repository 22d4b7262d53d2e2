/**
 * Generic traversal of a model object along its descriptors: every leaf with its ISO type name,
 * its value and its path. Rules that apply to a kind of value wherever it occurs (every IBAN,
 * every BIC, every UETR, all free text) are written once against this walk.
 */
import { isRepeated, type TypeDesc } from './descriptor.js';
import { TYPES } from './generated/descriptors.js';

export interface Leaf {
  /** ISO simple or amount type name, e.g. IBAN2007Identifier. */
  readonly type: string;
  readonly desc: TypeDesc;
  /** XML tag of the leaf element, e.g. IBAN. */
  readonly tag: string;
  readonly value: unknown;
  readonly path: string;
}

export function walkLeaves(
  typeName: string,
  value: unknown,
  path: string,
  visit: (leaf: Leaf) => void,
  tag = '',
): void {
  const d = TYPES[typeName];
  if (!d || value === undefined) return;
  if (d.k !== 'seq' && d.k !== 'choice') {
    visit({ type: typeName, desc: d, tag, value, path });
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const f of d.f) {
    const v = obj[f[0]];
    if (v === undefined) continue;
    if (isRepeated(f))
      (v as unknown[]).forEach((item, i) => walkLeaves(f[1], item, `${path}/${f[0]}[${i + 1}]`, visit, f[0]));
    else walkLeaves(f[1], v, `${path}/${f[0]}`, visit, f[0]);
  }
}
