import t from 'tap';
import { hashApiKey } from '../accounts/keys.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { testDatabase } from '../testing/db.ts';
import { recordingIo } from './testing.ts';
import { runUser } from './user.ts';

t.test('user create stores a lowercased email, a scrypt password hash, and can issue an account key', async (t) => {
  const db = await testDatabase(t);
  const io = recordingIo(db, { stdin: 'correct horse battery\n' });
  t.equal(await runUser(['create', '--email', ' Admin@Example.ORG ', '--password-stdin', '--api-key', '--json'], io), 0);
  const out = JSON.parse(io.stdout);
  t.match(out, { email: 'admin@example.org', password: true, api_key: /^hca_[A-Za-z0-9]{28}$/ });
  const { rows } = await db.pool.query('select email, password_hash from users');
  t.equal(rows[0].email, 'admin@example.org');
  t.match(rows[0].password_hash, /^scrypt\$16384\$8\$1\$/);
  t.ok(await verifyPassword('correct horse battery', rows[0].password_hash));
  t.notOk(await verifyPassword('wrong', rows[0].password_hash));
  const keys = await db.pool.query('select scope, project_id, hash from api_keys');
  t.same(keys.rows, [{ scope: 'account', project_id: null, hash: hashApiKey(out.api_key) }]);
});

t.test('user create refuses a duplicate, a bad email and a short password', async (t) => {
  const db = await testDatabase(t);
  t.equal(await runUser(['create', '--email', 'a@example.org'], recordingIo(db)), 0);
  for (const [args, stdin, message] of [
    [['create', '--email', 'A@example.org'], '', 'a user with email a@example.org already exists'],
    [['create', '--email', 'nope'], '', '--email: not an email address: "nope"'],
    [['create'], '', '--email EMAIL is required'],
    [['create', '--email', 'b@example.org', '--password-stdin'], 'short\n', 'the password must be at least 8 characters long'],
  ] as const) {
    const io = recordingIo(db, { stdin });
    t.equal(await runUser([...args], io), 2, args.join(' '));
    t.match(io.stderr, message);
  }
  t.same((await db.pool.query('select email, password_hash from users')).rows, [{ email: 'a@example.org', password_hash: null }]);
});

t.test('user keys create issues another account key for an existing user', async (t) => {
  const db = await testDatabase(t);
  await runUser(['create', '--email', 'a@example.org'], recordingIo(db));
  const io = recordingIo(db);
  t.equal(await runUser(['keys', 'create', '--email', 'a@example.org', '--key-name', 'terraform'], io), 0);
  t.match(io.stdout, /^Account API key for a@example.org \(shown only now, store it\): hca_[A-Za-z0-9]{28}\n$/);
  t.same((await db.pool.query('select name, scope from api_keys')).rows, [{ name: 'terraform', scope: 'account' }]);
  const missing = recordingIo(db);
  t.equal(await runUser(['keys', 'create', '--email', 'z@example.org'], missing), 2);
});
