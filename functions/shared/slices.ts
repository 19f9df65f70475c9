/** Consecutive slices of at most `count` items and `bytes` (by `sizeOf`; an item larger alone is a slice of its own). */
export const slicesOf = <T>(items: readonly T[], count: number, bytes: number, sizeOf: (item: T) => number): T[][] => {
  const slices: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = sizeOf(item);
    if (current.length > 0 && (current.length === count || size + itemSize > bytes)) {
      slices.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) slices.push(current);
  return slices;
};
