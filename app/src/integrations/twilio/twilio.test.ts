import t from 'tap';
import { ensureUsageRow, returnUsage, takeUsage, usageThisMonth, claimLimitNotice, releaseLimitNotice } from '../../db/queries/twilio-usage.ts';
import { testDatabase } from '../../testing/db.ts';
import { insertProject, insertUser } from '../../testing/fixtures.ts';
import type { HttpResponse } from '../http.ts';
import { acceptedSid, formEncode, twilioError, twilioRequest } from './api.ts';
import { limitNoticeEmail, maskPhone } from './limit-notice.ts';
import { monthOf, secondsToNextMonth } from './send.ts';
import { isTwilioSignature, twilioSignature } from './signature.ts';

const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

// Twilio's documentation example (security/signature_validation in TwilioDevEd/api-snippets).
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docParams = (caller: string): Array<[string, string]> => [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', caller],
  ['Digits', '1234'],
  ['From', caller],
  ['To', '+18005551212'],
];

t.test('the signature matches the examples in Twilio\'s documentation', async (t) => {
  t.equal(twilioSignature('12345', DOC_URL, docParams('+14158675310')), 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
  t.equal(twilioSignature('12345', DOC_URL, docParams('+14158675309')), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  t.equal(twilioSignature('12345', DOC_URL, [...docParams('+14158675309')].reverse()), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'parameter order does not matter');
});

t.test('a signature is accepted only for the same token, URL and parameters', async (t) => {
  const params = docParams('+14158675309');
  t.ok(isTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', DOC_URL, params));
  t.notOk(isTwilioSignature('54321', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', DOC_URL, params), 'another token');
  t.notOk(isTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/myapp.php?foo=1&bar=3', params), 'another URL');
  t.notOk(isTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', DOC_URL, [...params, ['MessageStatus', 'failed']]), 'an added parameter');
  t.notOk(isTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8', DOC_URL, params), 'a truncated signature');
  t.notOk(isTwilioSignature('12345', '', DOC_URL, params));
});

t.test('the URL may carry the default port or not, either way round', async (t) => {
  const params: Array<[string, string]> = [['MessageStatus', 'failed']];
  const signedWithPort = twilioSignature('tok', 'https://cw.example.org:443/api/v3/notifications/x/status', params);
  t.ok(isTwilioSignature('tok', signedWithPort, 'https://cw.example.org/api/v3/notifications/x/status', params));
  const signedWithout = twilioSignature('tok', 'https://cw.example.org/api/v3/notifications/x/status', params);
  t.ok(isTwilioSignature('tok', signedWithout, 'https://cw.example.org:443/api/v3/notifications/x/status', params));
  t.notOk(isTwilioSignature('tok', signedWithout, 'https://cw.example.org:8443/api/v3/notifications/x/status', params), 'another port is another URL');
});

t.test('a create request is a form POST with basic auth to the account\'s resource', async (t) => {
  const request = twilioRequest({ account: 'AC1', auth: 's3cret', baseUrl: 'https://api.twilio.com' }, 'Messages', [['To', '+371 2'], ['Body', 'a&b=c ✓']]);
  t.same(request, {
    method: 'POST',
    url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    headers: { Authorization: `Basic ${Buffer.from('AC1:s3cret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: 'To=%2B371+2&Body=a%26b%3Dc+%E2%9C%93',
  });
  t.equal(formEncode([['A', '1'], ['A', '2']]), 'A=1&A=2');
});

t.test('Twilio\'s answers: a SID on success, permanent codes, retryable everything else', async (t) => {
  const now = new Date('2026-01-15T12:00:00Z');
  const permanent = new Map([[21211, 'Invalid phone number']]);
  t.equal(acceptedSid(response(201, { sid: 'SM0123456789abcdef0123456789abcdef' })), 'SM0123456789abcdef0123456789abcdef');
  t.equal(acceptedSid(response(201, { sid: 'not a sid' })), null);
  t.equal(acceptedSid(response(201, '<html>')), null);
  const cases: Array<[HttpResponse, { message: string; permanent: boolean; retryAfter: number | null }]> = [
    [response(400, { code: 21211, message: "The 'To' number +1 is not a valid phone number.", status: 400 }), { message: 'Invalid phone number', permanent: true, retryAfter: null }],
    [response(400, { code: 21408, message: 'Permission to send an SMS has not been enabled\nfor the region', status: 400 }),
      { message: 'Received status code 400 with a message: "Permission to send an SMS has not been enabled for the region (Twilio error 21408)"', permanent: false, retryAfter: null }],
    [response(401, { code: 20003, message: 'Authenticate', status: 401 }), { message: 'Received status code 401 with a message: "Authenticate (Twilio error 20003)"', permanent: false, retryAfter: null }],
    [response(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'retry-after': '7' }), { message: 'Received status code 429 with a message: "Too Many Requests (Twilio error 20429)"', permanent: false, retryAfter: 7 }],
    [response(503, 'Service Unavailable'), { message: 'Received status code 503', permanent: false, retryAfter: null }],
    [response(404, { code: 21211, message: 'x' }), { message: 'Received status code 404 with a message: "x (Twilio error 21211)"', permanent: false, retryAfter: null }],
  ];
  for (const [res, expected] of cases) {
    const error = twilioError(res, now, permanent);
    t.same({ message: error.message, permanent: error.permanent, retryAfter: error.retryAfter }, expected, `${res.status} ${res.body.slice(0, 30)}`);
  }
});

t.test('months are UTC calendar months; the limit resets at the next one', async (t) => {
  t.equal(monthOf(new Date('2026-01-31T23:59:59Z')), '2026-01-01');
  t.equal(monthOf(new Date('2026-02-01T00:00:00Z')), '2026-02-01');
  t.equal(secondsToNextMonth(new Date('2026-01-31T23:59:00Z')), 60);
  t.equal(secondsToNextMonth(new Date('2026-12-31T23:00:00.500Z')), 3600);
});

t.test('usage counts up to the limit exactly, even when many sends race for the last ones', async (t) => {
  const { pool } = await testDatabase(t);
  const user = await insertUser(pool);
  const account = { userId: user.id, projectId: null };
  await Promise.all(Array.from({ length: 5 }, () => ensureUsageRow(pool, account, 'sms', '2026-01-01')));
  const taken = await Promise.all(Array.from({ length: 40 }, () => takeUsage(pool, account, 'sms', '2026-01-01', 25)));
  t.equal(taken.filter(Boolean).length, 25);
  t.equal(await usageThisMonth(pool, account, 'sms', '2026-01-01'), 25);
  await returnUsage(pool, account, 'sms', '2026-01-01');
  t.equal(await usageThisMonth(pool, account, 'sms', '2026-01-01'), 24);
  t.equal(await usageThisMonth(pool, account, 'call', '2026-01-01'), 0, 'calls count apart');
  t.equal(await usageThisMonth(pool, account, 'sms', '2026-02-01'), 0, 'a new month starts at 0');

  const ownerless = await insertProject(pool);
  const project = { userId: null, projectId: ownerless.id };
  await ensureUsageRow(pool, project, 'sms', '2026-01-01');
  t.ok(await takeUsage(pool, project, 'sms', '2026-01-01', 1), 'a project without an owner counts on its own');
  t.notOk(await takeUsage(pool, project, 'sms', '2026-01-01', 1));
  t.equal(await usageThisMonth(pool, account, 'sms', '2026-01-01'), 24, 'and not against anyone else');
});

t.test('the limit notice is claimed once a month, and can be released when the email fails', async (t) => {
  const { pool } = await testDatabase(t);
  const account = { userId: (await insertUser(pool)).id, projectId: null };
  await ensureUsageRow(pool, account, 'call', '2026-01-01');
  const now = new Date('2026-01-15T12:00:00Z');
  const claims = await Promise.all(Array.from({ length: 10 }, () => claimLimitNotice(pool, account, 'call', '2026-01-01', now)));
  t.equal(claims.filter(Boolean).length, 1);
  await releaseLimitNotice(pool, account, 'call', '2026-01-01');
  t.ok(await claimLimitNotice(pool, account, 'call', '2026-01-01', now));
});

t.test('the limit notice names the account, the limit and the masked number', async (t) => {
  t.equal(maskPhone('+37120000123'), '+371******123');
  t.equal(maskPhone('+12345'), '+12345');
  const mail = limitNoticeEmail(
    'owner@example.org',
    { transport: 'SMS', recipient: '+37120000123', ownerEmail: 'owner@example.org', projectName: 'Infra', limit: 50, message: 'Cronwarden: The check "<b>" is DOWN.' },
    '3f2a9c1b-5d6e-4f70-8a91-b2c3d4e5f607',
    { siteName: 'Cronwarden', from: 'Cronwarden <alerts@cw.example.org>' },
  );
  t.equal(mail.subject, 'Monthly SMS Limit Reached');
  t.equal(mail.messageId, '<3f2a9c1b-5d6e-4f70-8a91-b2c3d4e5f607@cw.example.org>');
  t.match(mail.text, /could not deliver an SMS notification to \+371\*\*\*\*\*\*123 because account owner@example\.org has reached its monthly limit of 50 messages\./);
  t.match(mail.text, /\nCronwarden: The check "<b>" is DOWN\.\n/);
  t.notMatch(mail.text, /20000123/);
  t.match(mail.html, /&lt;b&gt;/);
  const call = limitNoticeEmail('o@example.org', { transport: 'phone call', recipient: '+15550001111', ownerEmail: 'o@example.org', projectName: 'Infra', limit: 3, message: 'Hello!' }, 'c', { siteName: 'CW', from: 'cw@localhost' });
  t.equal(call.subject, 'Monthly Phone Call Limit Reached');
  t.match(call.text, /monthly limit of 3 calls\./);
});
