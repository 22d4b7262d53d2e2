/**
 * Globally optimal one-to-one assignment between statement lines and ledger lines.
 *
 * The candidates of a tier form a bipartite graph (an edge = a pair the tier's rule admits, with
 * a cost). The graph falls apart into connected components; nearly all are one statement line
 * and one ledger line and are taken as they are. Every other component is solved exactly with
 * the Hungarian algorithm (Kuhn–Munkres with potentials, shortest augmenting paths, O(n²·m)):
 * first the largest number of pairs, then the least total cost. Lines are ordered by id inside a
 * component and ties go to the lowest index, so the outcome does not depend on input order.
 *
 * Costs are small integers (see `pairCost`), so the algorithm's sums stay exact in float64.
 */
import { assert } from '../domain/index.js';

/** Growable edge list: statement index, ledger index, cost. */
export class EdgeList {
  s: Int32Array;
  l: Int32Array;
  cost: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.s = new Int32Array(capacity);
    this.l = new Int32Array(capacity);
    this.cost = new Float64Array(capacity);
  }

  push(s: number, l: number, cost: number): void {
    if (this.length === this.s.length) this.grow();
    this.s[this.length] = s;
    this.l[this.length] = l;
    this.cost[this.length] = cost;
    this.length++;
  }

  private grow(): void {
    const cap = this.s.length * 2;
    const s = new Int32Array(cap);
    const l = new Int32Array(cap);
    const c = new Float64Array(cap);
    s.set(this.s);
    l.set(this.l);
    c.set(this.cost);
    this.s = s;
    this.l = l;
    this.cost = c;
  }
}

/** Cost weights: shared references dominate, then value-date distance, then amount difference. */
export const COST_REF = 10_000_000;
export const COST_DAY = 100_000;
const DAYS_CAP = 99;
const AMOUNT_CAP = 99_999n;
export const COST_MAX = 8 * COST_REF;

/** The cost of a candidate pair: lower is better; an integer below COST_MAX. */
export function pairCost(missingRefs: number, businessDays: number, amountDiff: bigint): number {
  const d = businessDays < 0 ? -businessDays : businessDays;
  const a = amountDiff < 0n ? -amountDiff : amountDiff;
  return missingRefs * COST_REF + Math.min(d, DAYS_CAP) * COST_DAY + Number(a > AMOUNT_CAP ? AMOUNT_CAP : a);
}

/**
 * Hungarian algorithm on a dense rows × cols matrix (rows ≤ cols), row-major, where
 * `Infinity` marks a forbidden pair. Returns, for each row, the assigned column or -1: the
 * assignment has the most pairs possible and, among those, the least total cost.
 */
export function hungarian(cost: Float64Array, rows: number, cols: number): Int32Array {
  assert(rows <= cols, 'hungarian: rows must not exceed cols');
  assert(cost.length === rows * cols, 'hungarian: matrix size');
  // A forbidden pair costs more than any complete assignment of allowed ones, so the optimum uses
  // as few forbidden pairs as possible (maximum cardinality first), then the least cost.
  let maxAllowed = 0;
  for (let i = 0; i < cost.length; i++) {
    const c = cost[i]!;
    if (c !== Infinity && c > maxAllowed) maxAllowed = c;
  }
  const big = (maxAllowed + 1) * (rows + 1);
  assert(big * (rows + 1) < Number.MAX_SAFE_INTEGER, 'hungarian: costs too large for exact arithmetic');
  const a = (i: number, j: number): number => {
    const c = cost[(i - 1) * cols + (j - 1)]!;
    return c === Infinity ? big : c;
  };
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const p = new Int32Array(cols + 1); // p[j] = row assigned to column j (1-based), 0 = none
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = a(i0, j) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOfRow = new Int32Array(rows).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const i = p[j]!;
    if (i > 0 && cost[(i - 1) * cols + (j - 1)] !== Infinity) colOfRow[i - 1] = j - 1;
  }
  return colOfRow;
}

export interface Assignment {
  /** Chosen edge indices. */
  readonly edges: number[];
  /** Per chosen edge (same order): 1 when its component offered alternatives. */
  readonly ambiguous: number[];
  /** Per chosen edge: 1 when solved exactly (always, unless the component exceeded sizeMax). */
  readonly exact: number[];
  readonly componentsSolved: number;
  readonly largestComponent: number;
  readonly componentsOverSizeMax: number;
}

type MutableAssignment = { -readonly [K in keyof Assignment]: Assignment[K] };

/**
 * Picks a one-to-one set of edges: every one-by-one component as it is, every larger component
 * by `hungarian`. Components whose larger side exceeds `sizeMax` are assigned greedily by
 * (cost, statement id, ledger id) and their pairs flagged not exact.
 */
export function assignEdges(
  edges: EdgeList,
  nS: number,
  nL: number,
  sId: (i: number) => string,
  lId: (i: number) => string,
  sizeMax: number,
): Assignment {
  const out: MutableAssignment = {
    edges: [],
    ambiguous: [],
    exact: [],
    componentsSolved: 0,
    largestComponent: 0,
    componentsOverSizeMax: 0,
  };
  const m = edges.length;
  if (m === 0) return out;
  const sDeg = new Int32Array(nS);
  const lDeg = new Int32Array(nL);
  for (let e = 0; e < m; e++) {
    sDeg[edges.s[e]!]!++;
    lDeg[edges.l[e]!]!++;
  }
  // Union-find over statement nodes [0, nS) and ledger nodes [nS, nS + nL), only for edges of
  // non-trivial components.
  let parent: Int32Array | null = null;
  const find = (x: number): number => {
    const par = parent!;
    while (par[x] !== x) {
      par[x] = par[par[x]!]!;
      x = par[x]!;
    }
    return x;
  };
  for (let e = 0; e < m; e++) {
    const s = edges.s[e]!;
    const l = edges.l[e]!;
    if (sDeg[s] === 1 && lDeg[l] === 1) {
      out.edges.push(e);
      out.ambiguous.push(0);
      out.exact.push(1);
      continue;
    }
    if (!parent) {
      parent = new Int32Array(nS + nL);
      for (let i = 0; i < parent.length; i++) parent[i] = i;
    }
    const a = find(s);
    const b = find(nS + l);
    if (a !== b) parent[a] = b;
  }
  if (!parent) return out;
  const components = new Map<number, number[]>();
  for (let e = 0; e < m; e++) {
    const s = edges.s[e]!;
    if (sDeg[s] === 1 && lDeg[edges.l[e]!] === 1) continue;
    const root = find(s);
    const list = components.get(root);
    if (list) list.push(e);
    else components.set(root, [e]);
  }
  for (const compEdges of components.values()) {
    solveComponent(edges, compEdges, sId, lId, sizeMax, out);
  }
  return out;
}

function solveComponent(
  edges: EdgeList,
  compEdges: readonly number[],
  sId: (i: number) => string,
  lId: (i: number) => string,
  sizeMax: number,
  out: MutableAssignment,
): void {
  const sSet = new Map<number, number>();
  const lSet = new Map<number, number>();
  for (const e of compEdges) {
    sSet.set(edges.s[e]!, -1);
    lSet.set(edges.l[e]!, -1);
  }
  const sNodes = [...sSet.keys()].sort((x, y) => cmp(sId(x), sId(y)));
  const lNodes = [...lSet.keys()].sort((x, y) => cmp(lId(x), lId(y)));
  sNodes.forEach((s, i) => sSet.set(s, i));
  lNodes.forEach((l, j) => lSet.set(l, j));
  const size = Math.max(sNodes.length, lNodes.length);
  out.componentsSolved++;
  if (size > out.largestComponent) out.largestComponent = size;
  if (size > sizeMax) {
    out.componentsOverSizeMax++;
    const order = [...compEdges].sort(
      (x, y) =>
        edges.cost[x]! - edges.cost[y]! ||
        cmp(sId(edges.s[x]!), sId(edges.s[y]!)) ||
        cmp(lId(edges.l[x]!), lId(edges.l[y]!)),
    );
    const sUsed = new Set<number>();
    const lUsed = new Set<number>();
    for (const e of order) {
      const s = edges.s[e]!;
      const l = edges.l[e]!;
      if (sUsed.has(s) || lUsed.has(l)) continue;
      sUsed.add(s);
      lUsed.add(l);
      out.edges.push(e);
      out.ambiguous.push(1);
      out.exact.push(0);
    }
    return;
  }
  // Rows = the smaller side.
  const transpose = sNodes.length > lNodes.length;
  const rows = transpose ? lNodes.length : sNodes.length;
  const cols = transpose ? sNodes.length : lNodes.length;
  const matrix = new Float64Array(rows * cols).fill(Infinity);
  const edgeAt = new Int32Array(rows * cols).fill(-1);
  for (const e of compEdges) {
    const i = sSet.get(edges.s[e]!)!;
    const j = lSet.get(edges.l[e]!)!;
    const cell = transpose ? j * cols + i : i * cols + j;
    if (edges.cost[e]! < matrix[cell]!) {
      matrix[cell] = edges.cost[e]!;
      edgeAt[cell] = e;
    }
  }
  const colOfRow = hungarian(matrix, rows, cols);
  for (let r = 0; r < rows; r++) {
    const c = colOfRow[r]!;
    if (c < 0) continue;
    out.edges.push(edgeAt[r * cols + c]!);
    out.ambiguous.push(1);
    out.exact.push(1);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
