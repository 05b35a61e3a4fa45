import t from 'tap';
import { readFileSync } from 'node:fs';
import { insertChannel } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

const cases: Array<{ body: string; error: string }> = JSON.parse(readFileSync(new URL('./fixtures/validation.json', import.meta.url), 'utf8'));

t.test('create and update report the first invalid field with Healthchecks\' exact text, and store nothing', async (t) => {
  const f = await apiFixture(t);
  const existing = await f.api('/api/v3/checks/', { json: { name: 'Existing' } });
  const { uuid } = (await existing.json()) as { uuid: string };
  for (const { body, error } of cases) {
    for (const path of ['/api/v1/checks/', `/api/v3/checks/${uuid}`]) {
      const res = await f.api(path, { method: 'POST', body });
      t.same([res.status, await res.json()], [400, { error }], `${path} ${body}`);
    }
  }
  const { rows } = await f.pool.query('select name from checks');
  t.same(rows, [{ name: 'Existing' }]);
});

t.test('channel identifiers are checked before anything is saved, with their own texts', async (t) => {
  const f = await apiFixture(t);
  await insertChannel(f.pool, f.project.id, { name: 'twice' });
  await insertChannel(f.pool, f.project.id, { name: 'twice' });
  await insertChannel(f.pool, f.project.id, { name: '' });
  const theirs = await insertChannel(f.pool, f.other.id, { name: 'theirs' });
  const cases: Array<[string, string]> = [
    ['abc', 'invalid channel identifier: abc'],
    [',', 'empty channel identifier'],
    ['twice', 'non-unique channel identifier: twice'],
    [theirs.code, `invalid channel identifier: ${theirs.code}`],
    [theirs.code.toUpperCase(), `invalid channel identifier: ${theirs.code.toUpperCase()}`],
  ];
  for (const [channels, error] of cases) {
    const res = await f.api('/api/v3/checks/', { json: { name: 'x', channels } });
    t.same([res.status, await res.json()], [400, { error }], channels);
  }
  t.same((await f.pool.query('select count(*)::int as n from checks')).rows, [{ n: 0 }]);
});

t.test('an oversized body is refused with 413', async (t) => {
  const f = await apiFixture(t);
  const res = await f.api('/api/v3/checks/', { json: { desc: 'x'.repeat(1024 * 1024 + 10) } });
  t.same([res.status, await res.json()], [413, { error: 'request body too large' }]);
});
