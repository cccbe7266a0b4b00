/** This thread's share of the users when worker threads split them: ids i with i % count === index. */
export interface Partition {
  index: number;
  count: number;
}

/** How many of the first `total` ids this thread owns. */
export function ownedShare(total: number, partition: Partition): number {
  if (total <= partition.index) return 0;
  return Math.floor((total - 1 - partition.index) / partition.count) + 1;
}
