import t from 'tap';
import { spawnSync } from 'node:child_process';
import { answer } from './cron.ts';

const bin = new URL('../../bin/cronwarden.js', import.meta.url).pathname;
const parse = (line: string): unknown => JSON.parse(answer(line));

t.test('an iteration request gets up to count fire times in local time with the real offset', async (t) => {
  t.same(
    parse('{"id":1,"expr":"30 1 * * *","tz":"Europe/Dublin","start":"2021-03-27T00:00:00+00:00","count":3,"reverse":false}'),
    { id: 1, times: ['2021-03-27T01:30:00+00:00', '2021-03-28T02:00:00+01:00', '2021-03-29T01:30:00+01:00'] },
  );
  t.same(
    parse('{"id":"b","expr":"30 1 * * *","tz":"Europe/Dublin","start":"2021-03-28T01:00:00.900Z","count":2,"reverse":true}'),
    { id: 'b', times: ['2021-03-27T01:30:00+00:00', '2021-03-26T01:30:00+00:00'] },
    'the start is truncated to whole seconds (02:00 IST itself), and reverse gives times strictly before it',
  );
  t.same(
    parse('{"id":3,"kind":"oncalendar","expr":"2020-01-01 12:00","start":"2019-12-31T00:00:00Z","count":5}'),
    { id: 3, times: ['2020-01-01T12:00:00+00:00'] },
    'fewer times when the schedule runs out',
  );
});

t.test('bad requests get an error line naming the problem', async (t) => {
  t.same(parse('{"id":1,"expr":"0 0 31 2 *","start":"2021-01-01T00:00:00Z"}'), { id: 1, error: 'Bad day-of-month' });
  t.same(parse('{"id":2,"expr":"* * * * *","tz":"Mars/Olympus","start":"2021-01-01T00:00:00Z"}'), { id: 2, error: 'Bad time zone' });
  t.same(parse('{"id":3,"expr":"* * * * *"}'), { id: 3, error: 'start is missing or not an ISO-8601 time' });
  t.same(parse('{"id":4,"expr":"* * * * *","count":-1,"start":"2021-01-01T00:00:00Z"}'), { id: 4, error: 'count has the wrong type' });
  t.same(parse('{"id":5,"op":"frobnicate"}'), { id: 5, error: 'unknown op "frobnicate"' });
  t.match(parse('{"id":'), { id: null, error: /^Bad request: / });
  t.match(parse('[1]'), { id: null, error: 'Bad request: not an object' });
});

t.test('an explain request gets the description', async (t) => {
  t.same(parse('{"id":2,"op":"explain","expr":"0 0 1 3/2 *"}'), {
    id: 2, explain: 'At 00:00 on the first day of every second month from March through December',
  });
  t.same(parse('{"id":3,"op":"explain","expr":"8 6 * * 1"}'), { id: 3, explain: 'At 06:08 on Monday' });
});

t.test('cronwarden cron eval streams answers for every line of stdin', async (t) => {
  const lines = Array.from({ length: 2000 }, (_, i) =>
    JSON.stringify({ id: i, expr: `${i % 60} * * * *`, tz: 'Europe/Riga', start: '2021-03-28T00:00:00Z', count: 2 }));
  const result = spawnSync(process.execPath, [bin, 'cron', 'eval'], { input: `${lines.join('\n')}\n\n`, encoding: 'utf8' });
  t.equal(result.status, 0, result.stderr);
  const answers = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
  t.equal(answers.length, 2000);
  t.same(answers[61], { id: 61, times: ['2021-03-28T02:01:00+02:00', '2021-03-28T04:01:00+03:00'] });
});

t.test('cronwarden cron next prints the description and the next times', async (t) => {
  const result = spawnSync(process.execPath, [bin, 'cron', 'next', '0 3 * * *', '--tz', 'Europe/Kiev', '--count', '2'], { encoding: 'utf8' });
  t.equal(result.status, 0, result.stderr);
  const [description, ...times] = result.stdout.trim().split('\n');
  t.equal(description, 'At 03:00 every day (Europe/Kiev)');
  t.equal(times.length, 2);
  t.match(times[0], /^\d{4}-\d\d-\d\dT03:00:00\+0[23]:00$/);
  const bad = spawnSync(process.execPath, [bin, 'cron', 'next', '0 0 31 2 *'], { encoding: 'utf8' });
  t.equal(bad.status, 1);
  t.equal(bad.stderr, 'cronwarden: Bad day-of-month\n');
});

t.test('the cron command loads neither pg nor express', async (t) => {
  const script = `import { createRequire } from 'node:module';
await import(${JSON.stringify(new URL('./cron.ts', import.meta.url).pathname)});
const cache = Object.keys(createRequire(import.meta.url).cache);
console.log(cache.filter((k) => /node_modules\\/(pg|express)\\//.test(k)).length);`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.equal(result.stdout.trim(), '0', result.stderr);
});
