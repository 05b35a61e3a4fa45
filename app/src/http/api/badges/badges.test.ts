import t from 'tap';
import { badgeSignature } from '../../../core/badges.ts';
import { insertCheck } from '../../../testing/fixtures.ts';
import { apiFixture } from '../testing.ts';

t.test('badges lists "*" and every tag with six signed URLs each', async (t) => {
  const f = await apiFixture(t);
  await insertCheck(f.pool, f.project.id, { tags: 'prod  db' });
  await insertCheck(f.pool, f.project.id, { tags: "prod it's(ok)" });
  await insertCheck(f.pool, f.other.id, { tags: 'theirs' });
  const res = await f.api('/api/v3/badges/', { key: f.ro });
  t.equal(res.status, 200);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  const { badges } = (await res.json()) as { badges: Record<string, Record<string, string>> };
  t.same(Object.keys(badges).sort(), ['*', 'db', "it's(ok)", 'prod']);
  const { rows } = await f.pool.query('select badge_key from projects where id = $1', [f.project.id]);
  const sig = (tag: string) => badgeSignature(rows[0].badge_key, tag);
  const base = `${f.url}/badge/${f.project.code}`;
  t.same(badges.prod, {
    svg: `${base}/${sig('prod')}-2/prod.svg`,
    svg3: `${base}/${sig('prod')}/prod.svg`,
    json: `${base}/${sig('prod')}-2/prod.json`,
    json3: `${base}/${sig('prod')}/prod.json`,
    shields: `${base}/${sig('prod')}-2/prod.shields`,
    shields3: `${base}/${sig('prod')}/prod.shields`,
  });
  t.equal(badges['*']!.svg, `${base}/${sig('*')}-2.svg`);
  t.equal(badges["it's(ok)"]!.json3, `${base}/${sig("it's(ok)")}/it%27s%28ok%29.json`, 'tags are quoted as Python quote(safe="")');
  t.match(sig('prod'), /^[A-Za-z0-9_-]{8}$/);
  t.not(sig('prod'), sig('db'));
});
