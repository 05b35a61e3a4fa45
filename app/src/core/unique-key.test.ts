import t from 'tap';
import { uniqueKey } from './unique-key.ts';

t.test('the unique key is the one Healthchecks computes for the same UUID', async (t) => {
  // Python: hashlib.sha1(uuid.UUID(code).hex[:16].encode()).hexdigest()
  t.equal(uniqueKey('6b5f4c1e-0d7a-4c5b-9a55-6f0c2d1e8a90'), 'c34351c1894a803dcee4239a9dd627ad770cb45c');
  t.equal(uniqueKey('00000000-0000-4000-8000-000000000000'), '07c99f22ce44ac16c776ebcecbb911799bcc675c');
});
