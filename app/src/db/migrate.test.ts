import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { testDatabase } from '../testing/db.ts';
import { migrate, readMigrations } from './migrate.ts';

t.test('the shipped migrations are numbered without gaps', async (t) => {
  const migrations = readMigrations();
  t.ok(migrations.length >= 1);
  t.same(migrations.map((m) => m.version), migrations.map((_, i) => i + 1));
});

t.test('migrating an up-to-date database applies nothing', async (t) => {
  const { pool } = await testDatabase(t);
  const client = await pool.connect();
  t.teardown(() => client.release());
  t.same(await migrate(client), []);
});

t.test('concurrent migrations apply each file exactly once', async (t) => {
  const { pool } = await testDatabase(t);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-migrations-'));
  writeFileSync(path.join(dir, '0001_a.sql'), 'create table t_a (id int)');
  writeFileSync(path.join(dir, '0002_b.sql'), 'insert into t_a values (1)');
  await pool.query('drop table schema_migrations');
  const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
  t.teardown(() => clients.forEach((c) => c.release()));
  const results = await Promise.all(clients.map((c) => migrate(c, readMigrations(dir))));
  t.same(results.flat().sort(), [1, 2]);
  t.same((await pool.query('select count(*)::int as n from t_a')).rows, [{ n: 1 }]);
});

t.test('a failing migration is rolled back and named', async (t) => {
  const { pool } = await testDatabase(t);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-migrations-'));
  writeFileSync(path.join(dir, '0001_ok.sql'), 'create table t_ok (id int)');
  writeFileSync(path.join(dir, '0002_broken.sql'), 'create table t_half (id int); select * from no_such_table');
  await pool.query('drop table schema_migrations');
  const client = await pool.connect();
  t.teardown(() => client.release());
  await t.rejects(migrate(client, readMigrations(dir)), /migration 2_broken failed: relation "no_such_table" does not exist/);
  const { rows } = await pool.query("select to_regclass('t_ok') is not null as ok, to_regclass('t_half') is not null as half");
  t.same(rows, [{ ok: true, half: false }]);
  const versions = await pool.query('select version from schema_migrations');
  t.same(versions.rows, [{ version: 1 }]);
});

t.test('a database from a newer Cronwarden is refused', async (t) => {
  const { pool } = await testDatabase(t);
  await pool.query("insert into schema_migrations (version, name) values (9999, 'future')");
  const client = await pool.connect();
  t.teardown(() => client.release());
  await t.rejects(migrate(client), /the database is at migration 9999, newer than this Cronwarden knows/);
});

t.test('a misnamed migration file is an error', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-migrations-'));
  writeFileSync(path.join(dir, '1_bad.sql'), 'select 1');
  t.throws(() => readMigrations(dir), /must look like 0001_name.sql: 1_bad.sql/);
});
