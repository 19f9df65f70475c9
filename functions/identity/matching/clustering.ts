/**
 * Clustering without chaining. Links are joined strongest first (people's must-links before any
 * score); a join is refused when
 * - it would put a cannot-link pair, or two different values of one trusted identifier, into one
 *   cluster. Because the strongest links join first, a conflict always falls on the weakest link
 *   between the two sides: adding a cannot-link and clustering again splits along weakest links;
 * - the two clusters as wholes do not match: one good link between the edges of two clusters
 *   ('Shell Canada' – 'Schlumberger Canada') must not join 'Shell' and 'Schlumberger'. A sample of
 *   each side's members is compared across, and the mean match probability must reach
 *   `minCohesion`.
 */

export interface Link {
  i: number;
  j: number;
  weight: number;
}

export interface ClusterConstraints {
  mustLink: readonly (readonly [number, number])[];
  cannotLink: readonly (readonly [number, number])[];
}

export interface Cohesion {
  /** Match probability of two records that no link connected directly. */
  probability(i: number, j: number): number;
  minimum: number;
  /** Members compared from each side. */
  sample?: number;
}

export interface ClusterResult {
  /** Per record, the index of its cluster's representative (the smallest member index). */
  clusterOf: Int32Array;
  /** Links refused because they would break a constraint. */
  refused: Link[];
}

const NO_IDS: ReadonlyMap<string, string> = new Map();

/**
 * The links by weight, strongest first, ties by record indices. Sorted as numbers in typed
 * arrays: a million links sorted as objects with a three-way comparator took seconds.
 */
const strongestFirst = (links: readonly Link[]): Link[] => {
  const weight = Float64Array.from(links, (l) => l.weight);
  const i = Int32Array.from(links, (l) => l.i);
  const j = Int32Array.from(links, (l) => l.j);
  const order = Uint32Array.from(links, (_, x) => x);
  order.sort((a, b) => (weight[b] as number) - (weight[a] as number) || (i[a] as number) - (i[b] as number) || (j[a] as number) - (j[b] as number));
  return Array.from(order, (x) => links[x] as Link);
};

const hasAny = (o: Readonly<Record<string, string>>): boolean => {
  for (const name in o) if (Object.hasOwn(o, name)) return true;
  return false;
};

/**
 * `trustedIdsOf(i)` gives record i's trusted identifiers by name. Deterministic: ties in weight
 * are broken by record indices, so the same input always gives the same clusters.
 */
export const cluster = (
  size: number,
  links: readonly Link[],
  constraints: ClusterConstraints,
  trustedIdsOf: (i: number) => Readonly<Record<string, string>>,
  cohesion?: Cohesion,
): ClusterResult => {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[x] !== root) {
      const next = parent[x] as number;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  // Per root: its trusted ids and the records it must never hold, created on first need. Most
  // records have no trusted id, and a million of them share one empty map.
  const ids = new Map<number, ReadonlyMap<string, string>>();
  const forbidden = new Map<number, number[]>();
  const idsOf = (root: number): ReadonlyMap<string, string> => {
    let m = ids.get(root);
    if (!m) {
      const own = trustedIdsOf(root);
      if (!hasAny(own)) return NO_IDS;
      m = new Map(Object.entries(own));
      ids.set(root, m);
    }
    return m;
  };
  for (const [a, b] of constraints.cannotLink) {
    forbidden.set(a, [...(forbidden.get(a) ?? []), b]);
    forbidden.set(b, [...(forbidden.get(b) ?? []), a]);
  }

  const conflicts = (ra: number, rb: number): boolean => {
    const ia = idsOf(ra);
    const ib = idsOf(rb);
    if (ia.size > 0 && ib.size > 0) {
      const [small, large] = ia.size <= ib.size ? [ia, ib] : [ib, ia];
      for (const [name, value] of small) {
        const other = large.get(name);
        if (other !== undefined && other !== value) return true;
      }
    }
    if (forbidden.size === 0) return false;
    for (const [root, other] of [[ra, rb], [rb, ra]] as const) {
      for (const f of forbidden.get(root) ?? []) if (find(f) === other) return true;
    }
    return false;
  };

  const members = new Map<number, number[]>();
  const membersOf = (root: number): number[] => members.get(root) ?? [root];
  const sampleSize = cohesion?.sample ?? 4;
  /** Up to `sampleSize` members spread over the cluster, starting with the linked one. */
  const sampleOf = (root: number, linked: number): number[] => {
    const all = membersOf(root);
    if (all.length <= sampleSize) return all;
    const out = [linked];
    const stride = all.length / (sampleSize - 1);
    for (let s = 0; s < sampleSize - 1; s++) {
      const m = all[Math.floor(s * stride)] as number;
      if (m !== linked) out.push(m);
    }
    return out;
  };
  const cohesive = (link: Link, ra: number, rb: number): boolean => {
    if (!cohesion) return true;
    const left = sampleOf(ra, find(link.i) === ra ? link.i : link.j);
    const right = sampleOf(rb, find(link.j) === rb ? link.j : link.i);
    if (left.length === 1 && right.length === 1) return true;
    let sum = 0;
    let n = 0;
    for (const a of left)
      for (const b of right) {
        sum += (a === link.i && b === link.j) || (a === link.j && b === link.i) ? 1 : cohesion.probability(a, b);
        n++;
      }
    return sum / n >= cohesion.minimum;
  };

  const union = (ra: number, rb: number) => {
    const [keep, gone] = ra < rb ? [ra, rb] : [rb, ra];
    parent[gone] = keep;
    // Append the smaller list to the larger, so building a big cluster stays linear.
    const [larger, smaller] = [membersOf(keep), membersOf(gone)].sort((x, y) => y.length - x.length) as [number[], number[]];
    for (const m of smaller) larger.push(m);
    members.set(keep, larger);
    members.delete(gone);
    const goneIds = idsOf(gone);
    if (goneIds.size > 0) {
      const kept = idsOf(keep);
      const merged = kept === NO_IDS ? new Map<string, string>() : (kept as Map<string, string>);
      for (const [name, value] of goneIds) if (!merged.has(name)) merged.set(name, value);
      ids.set(keep, merged);
    }
    ids.delete(gone);
    const f = forbidden.get(gone);
    if (f) {
      forbidden.set(keep, [...(forbidden.get(keep) ?? []), ...f]);
      forbidden.delete(gone);
    }
  };

  for (const [a, b] of constraints.mustLink) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) union(ra, rb);
  }

  const refused: Link[] = [];
  for (const link of strongestFirst(links)) {
    const ra = find(link.i);
    const rb = find(link.j);
    if (ra === rb) continue;
    if (conflicts(ra, rb) || !cohesive(link, ra, rb)) refused.push(link);
    else union(ra, rb);
  }

  const clusterOf = new Int32Array(size);
  for (let i = 0; i < size; i++) clusterOf[i] = find(i);
  return { clusterOf, refused };
};
