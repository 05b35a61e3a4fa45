import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  clientAddress,
  forwardedAddress,
  forwardedScheme,
  hasConfirmationLink,
  headerText,
  parsePingPath,
  queryParam,
  requestError,
  slugHasUppercase,
  truncateChars,
  type PingTarget,
} from './ping.ts';

interface PathCase {
  path: string;
  target: PingTarget | null;
  note?: string;
}

const pathCases = (JSON.parse(readFileSync(new URL('./fixtures/ping-paths.json', import.meta.url), 'utf8')) as { cases: PathCase[] }).cases;

t.test('ping paths resolve as Healthchecks URL patterns do', async (t) => {
  for (const c of pathCases) t.same(parsePingPath(c.path), c.target, `${JSON.stringify(c.path)}${c.note ? ` (${c.note})` : ''}`);
});

t.test('only a slug with an uppercase letter is refused before the lookup', async (t) => {
  t.ok(slugHasUppercase(parsePingPath('key/Backups')!));
  t.notOk(slugHasUppercase(parsePingPath('KEY/backups')!), 'the ping key may have any case');
  t.notOk(slugHasUppercase(parsePingPath('5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278/start')!));
});

t.test('an exit status above 255 is reported before a malformed run id', async (t) => {
  const exit256 = parsePingPath('5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278/256')!;
  const plain = parsePingPath('5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278')!;
  t.equal(requestError(exit256, 'nope'), 'invalid url format');
  t.equal(requestError(plain, 'nope'), 'invalid uuid format');
  t.equal(requestError(plain, ''), 'invalid uuid format', 'an empty rid is malformed');
  t.equal(requestError(plain, '{5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278}'), 'invalid uuid format');
  t.equal(requestError(plain, '5bf66975d4c74bf5bcc8b8d8a82ea278'), 'invalid uuid format');
  t.equal(requestError(plain, '5BF66975-D4C7-4BF5-BCC8-B8D8A82EA278'), null, 'either case is accepted');
  t.equal(requestError(plain, undefined), null);
  t.equal(requestError(parsePingPath('5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278/255')!, undefined), null);
});

t.test('a query parameter given twice counts with its last value, as in Django', async (t) => {
  t.equal(queryParam('rid=a&rid=b', 'rid'), 'b');
  t.equal(queryParam('create=1', 'create'), '1');
  t.equal(queryParam('create', 'create'), '');
  t.equal(queryParam('', 'rid'), undefined);
  t.equal(queryParam('x=1', 'rid'), undefined);
  t.equal(queryParam('rid=%61b', 'rid'), 'ab');
});

t.test('a confirmation link is noticed in any case and in bodies that are not UTF-8', async (t) => {
  t.ok(hasConfirmationLink(Buffer.from('Please CONFIRM your subscription')));
  t.ok(hasConfirmationLink(Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('Confirm')])));
  t.notOk(hasConfirmationLink(Buffer.from('conf irm')));
  t.notOk(hasConfirmationLink(Buffer.from('')));
  t.notOk(hasConfirmationLink(Buffer.from('confİrm', 'utf8')), 'non-ASCII letters never lowercase into "confirm"');
});

t.test('header text is decoded as UTF-8 and truncated by characters', async (t) => {
  const raw = Buffer.from('curl/8 ✓ Ünïcode', 'utf8').toString('latin1'); // what Node hands over
  t.equal(headerText(raw), 'curl/8 ✓ Ünïcode');
  t.equal(headerText(Buffer.from([0x61, 0xff, 0x62]).toString('latin1')), 'a\ufffdb');
  t.equal(headerText('a\u0000b'), 'ab', 'PostgreSQL text cannot hold NUL');
  t.equal(headerText(undefined), '');
  t.equal(truncateChars('😀'.repeat(300), 200), '😀'.repeat(200), 'never half a surrogate pair');
  t.equal(truncateChars('x'.repeat(250), 200).length, 200);
  t.equal(truncateChars('short', 200), 'short');
});

t.test('forwarded addresses lose the port of Azure\'s a.b.c.d:port form', async (t) => {
  t.equal(forwardedAddress(' 203.0.113.9 '), '203.0.113.9');
  t.equal(forwardedAddress('203.0.113.9:51234'), '203.0.113.9');
  t.equal(forwardedAddress('2001:db8::1'), '2001:db8::1');
  t.equal(forwardedAddress('::ffff:203.0.113.9'), '::ffff:203.0.113.9', 'IPv4-mapped IPv6 is kept as is');
  t.equal(forwardedAddress('unknown'), null);
  t.equal(forwardedAddress(''), null);
});

t.test('X-Forwarded-For is followed from the right past trusted proxies only', async (t) => {
  const trusted = (a: string) => a.startsWith('10.') || a === '127.0.0.1';
  t.equal(clientAddress('::ffff:127.0.0.1', undefined, trusted), '127.0.0.1', 'dual-stack peer unmapped');
  t.equal(clientAddress('127.0.0.1', '203.0.113.9', trusted), '203.0.113.9');
  t.equal(clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.9', trusted), '203.0.113.9', 'a forged leftmost item is ignored');
  t.equal(clientAddress('127.0.0.1', '203.0.113.9, 10.0.0.5', trusted), '203.0.113.9', 'chained trusted proxies are skipped');
  t.equal(clientAddress('127.0.0.1', '203.0.113.9:4444', trusted), '203.0.113.9');
  t.equal(clientAddress('127.0.0.1', 'garbage', trusted), '127.0.0.1', 'garbage ends the walk at the last trusted hop');
  t.equal(clientAddress('192.0.2.7', '203.0.113.9', trusted), '192.0.2.7', 'an untrusted peer is never looked past');
});

t.test('the forwarded scheme is the first item, as stored by Healthchecks (10 characters)', async (t) => {
  t.equal(forwardedScheme('https'), 'https');
  t.equal(forwardedScheme(' https , http'), 'https');
  t.equal(forwardedScheme(undefined), 'http');
  t.equal(forwardedScheme(''), 'http');
  t.equal(forwardedScheme('x'.repeat(30)), 'x'.repeat(10));
});
