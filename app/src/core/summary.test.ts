import t from 'tap';
import { summaryFacts } from '../integrations/testing.ts';
import {
  bodyExcerpt,
  BODY_LIMIT,
  buildSummary,
  detailFields,
  formatDuration,
  headline,
  otherDownText,
  pingKindText,
  plainText,
} from './summary.ts';

const now = new Date('2026-01-15T12:00:00Z');

t.test('durations read as a sentence with their two largest units', async (t) => {
  t.equal(formatDuration(0), '0 seconds');
  t.equal(formatDuration(59), '59 seconds');
  t.equal(formatDuration(3600), '1 hour');
  t.equal(formatDuration(3 * 3600 + 25 * 60 + 7), '3 hours 25 minutes');
  t.equal(formatDuration(86400 + 60), '1 day', 'units below the second largest are dropped, not skipped over');
  t.equal(formatDuration(9 * 86400), '1 week 2 days');
});

t.test('the headline gives the status and the reason, the downtime, or how long it has been down', async (t) => {
  t.equal(headline(buildSummary(summaryFacts()), now), '"Backups" is DOWN (success signal did not arrive on time, grace time passed).');
  t.equal(headline(buildSummary(summaryFacts({ reason: 'fail' })), now), '"Backups" is DOWN (received a failure signal).');
  t.equal(headline(buildSummary(summaryFacts({ reason: '' })), now), '"Backups" is DOWN.');
  const up = buildSummary(summaryFacts({ status: 'up', reason: '', at: new Date('2026-01-15T11:40:00Z'), downSince: new Date('2026-01-15T11:10:00Z') }));
  t.equal(headline(up, now), '"Backups" is UP. The downtime lasted 30 minutes.');
  const reminder = buildSummary(summaryFacts({ event: 'reminder', at: now, downSince: new Date('2026-01-15T09:00:00Z') }));
  t.equal(headline(reminder, new Date('2026-01-15T12:30:00Z')), '"Backups" is still DOWN (down for 3 hours 30 minutes).');
});

t.test('the last ping is described by kind and exit status, Healthchecks-style', async (t) => {
  const ping = buildSummary(summaryFacts()).lastPing;
  if (ping === null) throw new Error('no ping');
  t.equal(pingKindText({ ...ping, exitStatus: null }), 'Success');
  t.equal(pingKindText({ ...ping, exitStatus: 0 }), 'Success', 'exit status 0 reads as success');
  t.equal(pingKindText({ ...ping, exitStatus: 3, kind: 'fail' }), 'Exit status 3');
  t.equal(pingKindText({ ...ping, exitStatus: null, kind: 'fail' }), 'Failure');
  t.equal(pingKindText({ ...ping, exitStatus: null, kind: 'start' }), 'Started');
  t.equal(pingKindText({ ...ping, exitStatus: 0, kind: 'ign' }), 'Ignored');
});

t.test('other down checks are named up to ten, then only counted', async (t) => {
  t.equal(otherDownText(buildSummary(summaryFacts())), null);
  t.equal(otherDownText(buildSummary(summaryFacts({ otherDownNames: ['a', 'b'], otherDownCount: 2 }))), 'Other checks down: "a", "b".');
  const many = Array.from({ length: 11 }, (_, i) => `c${i}`);
  const summary = buildSummary(summaryFacts({ otherDownNames: many, otherDownCount: 14 }));
  t.equal(summary.otherDown.names.length, 10);
  t.equal(otherDownText(summary), '14 other checks are down.');
});

t.test('the body keeps its end, decoded leniently, and excerpts say they were cut', async (t) => {
  const bytes = new Uint8Array([...new TextEncoder().encode('x'.repeat(BODY_LIMIT + 5)), 0xff, 0x41]);
  const summary = buildSummary(summaryFacts({ lastPing: { ...summaryFacts().lastPing!, body: bytes } }));
  t.equal(summary.lastPing?.bodyLength, BODY_LIMIT + 7);
  t.equal(summary.lastPing?.body?.length, BODY_LIMIT);
  t.ok(summary.lastPing?.body?.endsWith('x\uFFFDA'));
  t.equal(bodyExcerpt(summary, 3), '[…]x\uFFFDA');
  t.equal(bodyExcerpt(buildSummary(summaryFacts({ lastPing: null })), 100), null);
});

t.test('details list the project, tags, period or schedule, pings and the change time', async (t) => {
  t.same(detailFields(buildSummary(summaryFacts()), now), [
    ['Project', 'Infra'],
    ['Tags', 'prod, db'],
    ['Period', '1 hour'],
    ['Total pings', '42'],
    ['Last ping', 'Success, 2 hours ago, from 192.0.2.7'],
    ['Status changed to down at', 'Thu, 15 Jan 2026 11:10:00 GMT'],
  ]);
  const cron = buildSummary(summaryFacts({ check: { ...summaryFacts().check, kind: 'cron', schedule: '0 3 * * *', tz: 'Europe/Riga' }, lastPing: null }));
  t.same(detailFields(cron, now).slice(2), [
    ['Schedule', '0 3 * * * (Europe/Riga)'],
    ['Total pings', '42'],
    ['Last ping', 'never'],
    ['Status changed to down at', 'Thu, 15 Jan 2026 11:10:00 GMT'],
  ]);
});

t.test('the plain text is the same for every integration that sends text', async (t) => {
  t.equal(
    plainText(buildSummary(summaryFacts({ otherDownNames: ['Mail'], otherDownCount: 1 })), now),
    [
      '"Backups" is DOWN (success signal did not arrive on time, grace time passed).',
      '',
      'Nightly database backup',
      '',
      'Project: Infra',
      'Tags: prod, db',
      'Period: 1 hour',
      'Total pings: 42',
      'Last ping: Success, 2 hours ago, from 192.0.2.7',
      'Status changed to down at: Thu, 15 Jan 2026 11:10:00 GMT',
      '',
      'Other checks down: "Mail".',
      '',
      'Last ping body:',
      'backup done: 12 GB',
    ].join('\n'),
  );
});

t.test('a summary survives a round trip through JSON unchanged', async (t) => {
  const summary = buildSummary(summaryFacts());
  t.same(JSON.parse(JSON.stringify(summary)), summary);
});
