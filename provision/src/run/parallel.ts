/** One item's outcome: its value, or why it failed. */
export type Settled<T, R> = { readonly item: T } & ({ readonly status: 'fulfilled'; readonly value: R } | { readonly status: 'rejected'; readonly reason: unknown });

/**
 * Runs `fn` over `items` with at most `limit` running at once; results keep the input order.
 * A rejection is returned in its slot (settled), never thrown, so one host cannot stop others.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<Settled<T, R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`parallel limit must be a positive integer, got ${limit}`);
  const results: Settled<T, R>[] = [];
  const queue = items.map((item, index) => ({ item, index }));
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { item, index } = next;
      try {
        results[index] = { item, status: 'fulfilled', value: await fn(item) };
      } catch (reason) {
        results[index] = { item, status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
