/**
 * Runs `work(item, slot)` for every item with at most `slots` at a time. Each slot number is
 * used by one item at a time (the sandbox gives each slot its own user). Results keep the
 * items' order.
 */
export async function runPool<T, R>(items: T[], slots: number, work: (item: T, slot: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (slot: number) => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], slot);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(slots, items.length)) }, (_, s) => worker(s)));
  return results;
}
