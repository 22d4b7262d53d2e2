/**
 * Generic traversal of a model object along its descriptors: every leaf with its ISO type name,
 * its value and its (lazily built) path. Rules that apply to a kind of value wherever it occurs
 * (every IBAN, every BIC, every UETR, all free text) are written once against this walk.
 */
import { isRepeated, type TypeDesc } from './descriptor.js';
import { TYPES } from './generated/descriptors.js';
import type { Path } from './path.js';

export type LeafVisitor = (type: string, desc: TypeDesc, tag: string, value: unknown, at: Path) => void;

export function walkLeaves(typeName: string, value: unknown, at: Path, visit: LeafVisitor, tag = ''): void {
  const d = TYPES[typeName];
  if (!d || value === undefined) return;
  if (d.k !== 'seq' && d.k !== 'choice') {
    visit(typeName, d, tag, value, at);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const f of d.f) {
    const v = obj[f[0]];
    if (v === undefined) continue;
    if (isRepeated(f)) {
      const items = v as unknown[];
      for (let i = 0; i < items.length; i++)
        walkLeaves(f[1], items[i], { up: at, seg: `${f[0]}[${i + 1}]` }, visit, f[0]);
    } else walkLeaves(f[1], v, { up: at, seg: f[0] }, visit, f[0]);
  }
}
