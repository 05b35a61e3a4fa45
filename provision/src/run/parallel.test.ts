import t from 'tap';
import { mapLimit } from './parallel.ts';

t.test('never runs more than the limit at once, keeps input order, and settles failures in place', async (t) => {
  let running = 0;
  let most = 0;
  const gates: (() => void)[] = [];
  const pending = mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    if (n === 3) throw new Error('three failed');
    return n * 10;
  });
  // Release the waiting items one at a time, checking the bound each time.
  while (gates.length > 0 || running > 0) {
    await new Promise((r) => setImmediate(r));
    t.ok(running <= 2);
    gates.shift()?.();
  }
  const results = await pending;
  t.equal(most, 2);
  t.same(results.map((r) => r.item), [1, 2, 3, 4, 5]);
  t.same(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), [10, 20, 'three failed', 40, 50]);
});

t.test('a limit below one is a programming error', async (t) => {
  await t.rejects(mapLimit([1], 0, async (n) => n), RangeError);
});
