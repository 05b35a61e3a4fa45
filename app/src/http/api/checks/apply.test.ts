import t from 'tap';
import { isoMicros } from '../pings/present.ts';
import { applySpec, NEW_CHECK, slugify, uniqueMatch } from './apply.ts';

t.test('slugify matches Django\'s slugify', async (t) => {
  const cases: Array<[string, string]> = [
    ['Foo', 'foo'],
    ['Nightly  Backup — Café #1!', 'nightly-backup-cafe-1'],
    ['--Hello_World--', 'hello_world'],
    ['_x_', 'x'],
    ['a\tb\x1cc', 'a-b-c'],
    ['ﬁle ②', 'file-2'],
    ['日本語', ''],
  ];
  for (const [name, slug] of cases) t.equal(slugify(name), slug, JSON.stringify(name));
  t.equal(slugify('㎏'.repeat(100)).length, 100, 'cut to the column length');
});

t.test('the kind follows the schedule, else the timeout, else stays', async (t) => {
  t.same(applySpec(NEW_CHECK, { schedule: '5 * * * *', timeout: 120 }, 3).kind, 'cron');
  t.same(applySpec(NEW_CHECK, { schedule: '5 * * * *', timeout: 120 }, 3).timeoutSeconds, 86400);
  t.same(applySpec({ ...NEW_CHECK, kind: 'cron' }, { timeout: 120 }, 3).kind, 'simple');
  t.same(applySpec({ ...NEW_CHECK, kind: 'cron' }, { grace: 120 }, 3).kind, 'cron');
});

t.test('unique matches only on the listed fields, and only when all are given', async (t) => {
  t.same(uniqueMatch({ name: 'a', tags: 'x', unique: ['name'] }), { name: 'a', slug: null, tags: null, timeoutSeconds: null, graceSeconds: null });
  t.equal(uniqueMatch({ name: 'a', unique: ['name', 'slug'] }), null);
  t.equal(uniqueMatch({ name: 'a', unique: [] }), null);
  t.equal(uniqueMatch({ name: 'a' }), null);
});

t.test('ping dates print microseconds only when there are some', async (t) => {
  t.equal(isoMicros('1768478400000000'), '2026-01-15T12:00:00+00:00');
  t.equal(isoMicros('1768478400000001'), '2026-01-15T12:00:00.000001+00:00');
  t.equal(isoMicros('1768478400123450'), '2026-01-15T12:00:00.123450+00:00');
});
