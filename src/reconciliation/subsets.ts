/**
 * Bounded subset-sum for one-to-many and many-to-one matches: which few of a handful of
 * candidate amounts add up exactly to a target. The search is exact within its bounds (at most
 * `sizeMax` members, at most `stepsMax` search nodes) and deterministic: smallest groups first,
 * then the first subset in candidate order. It also reports whether a second subset of the same
 * size exists, which makes the group ambiguous.
 */

export interface SubsetFound {
  /** Indices into the candidate array, ascending. */
  readonly indices: readonly number[];
  /** No other subset of the same size adds up to the target (within the search bounds). */
  readonly unique: boolean;
}

export interface SubsetSearch {
  readonly found: SubsetFound | null;
  /** The step budget ran out before the search space was covered. */
  readonly cut: boolean;
}

/**
 * Finds a subset of 2..sizeMax of `amounts` (each > 0) summing to `target`. Candidates are
 * explored in descending amount order (ties by index) with two prunings: a partial sum above the
 * target is abandoned, and so is one that cannot reach it with the largest remaining members.
 */
export function subsetSum(
  amounts: readonly bigint[],
  target: bigint,
  sizeMax: number,
  stepsMax: number,
): SubsetSearch {
  const n = amounts.length;
  if (n < 2 || target <= 0n) return { found: null, cut: false };
  const order = amounts
    .map((_, i) => i)
    .sort((x, y) => (amounts[y]! > amounts[x]! ? 1 : amounts[y]! < amounts[x]! ? -1 : x - y));
  const sorted = order.map((i) => amounts[i]!);
  let steps = 0;
  let cut = false;
  const pick: number[] = [];

  for (let k = 2; k <= Math.min(sizeMax, n); k++) {
    const solutions: number[][] = [];
    const dfs = (start: number, left: number, sum: bigint): void => {
      if (solutions.length >= 2 || cut) return;
      if (left === 0) {
        if (sum === target) solutions.push([...pick]);
        return;
      }
      // Skip straight to the first member not above what is left (amounts descend).
      const rest = target - sum;
      let lo = start;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid]! > rest) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i <= n - left; i++) {
        if (++steps > stepsMax) {
          cut = true;
          return;
        }
        const next = sum + sorted[i]!;
        // Best case: this member plus the next largest (left - 1) members.
        let best = next;
        for (let j = i + 1; j < i + left; j++) best += sorted[j]!;
        if (best < target) return; // even the largest remaining cannot reach it
        pick.push(i);
        dfs(i + 1, left - 1, next);
        pick.pop();
        if (solutions.length >= 2 || cut) return;
      }
    };
    dfs(0, k, 0n);
    if (solutions.length > 0) {
      const indices = solutions[0]!.map((i) => order[i]!).sort((x, y) => x - y);
      return { found: { indices, unique: solutions.length === 1 && !cut }, cut };
    }
    if (cut) return { found: null, cut };
  }
  return { found: null, cut };
}
