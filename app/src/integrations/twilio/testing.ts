// A Twilio stand-in for tests: an HTTP server on loopback that speaks the shape of Twilio's
// REST API (basic auth, form bodies, 201 with a SID, JSON errors with Twilio codes), and sends
// signed status callbacks the way Twilio does.
import { startHttpReceiver, type HttpReceiver } from '../../testing/receivers.ts';
import { twilioSignature } from './signature.ts';

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

export const TEST_ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
export const TEST_AUTH = 'test-auth-token-0123456789abcdef';

export interface CreatedResource {
  readonly resource: 'Messages' | 'Calls';
  readonly account: string;
  /** The form fields, in the order sent. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly fields: Readonly<Record<string, string>>;
  /** The SID given back; null when the request was refused. */
  readonly sid: string | null;
}

export interface TwilioFailure {
  readonly status: number;
  /** Twilio's error code in the JSON body; absent: a body that is not Twilio's JSON. */
  readonly code?: number;
  readonly message?: string;
  readonly headers?: Record<string, string>;
}

export interface FakeTwilio {
  /** TWILIO_BASE_URL for the configuration. */
  readonly url: string;
  readonly receiver: HttpReceiver;
  /** Every create request, accepted or not. */
  readonly created: CreatedResource[];
  /** Answer every request with this until set back to null. */
  failure: TwilioFailure | null;
  /** POSTs a status callback for `created[index]` to its StatusCallback, signed with `auth` (the account's by default). */
  callback(index: number, status: string, options?: { auth?: string; extra?: Record<string, string>; signature?: string }): Promise<Response>;
}

/** Environment that points the Twilio integrations at `fake` (plus TWILIO_FROM). */
export function twilioEnv(fake: FakeTwilio, extra: Record<string, string> = {}): Record<string, string> {
  return { TWILIO_ACCOUNT: TEST_ACCOUNT, TWILIO_AUTH: TEST_AUTH, TWILIO_FROM: '+15005550006', TWILIO_BASE_URL: fake.url, ...extra };
}

const PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/;

export async function startFakeTwilio(t: TestLike): Promise<FakeTwilio> {
  const created: CreatedResource[] = [];
  const receiver = await startHttpReceiver(t, { respond: (req) => answer(req.method, req.url, req.headers.authorization, req.body) });
  const fake: FakeTwilio = {
    url: receiver.url,
    receiver,
    created,
    failure: null,
    async callback(index, status, options = {}) {
      const resource = created[index];
      if (resource?.sid == null) throw new Error(`no accepted resource at ${index}`);
      const url = resource.fields.StatusCallback ?? '';
      const kind = resource.resource === 'Calls' ? 'Call' : 'Message';
      const params: Array<[string, string]> = [
        ['AccountSid', TEST_ACCOUNT],
        [`${kind}Sid`, resource.sid],
        [`${kind}Status`, status],
        ['To', resource.fields.To ?? ''],
        ...Object.entries(options.extra ?? {}),
      ];
      const signature = options.signature ?? twilioSignature(options.auth ?? TEST_AUTH, url, params);
      return fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: new URLSearchParams(params).toString(),
      });
    },
  };

  function answer(method: string, url: string, authorization: string | undefined, body: string) {
    const match = PATH.exec(url);
    if (method !== 'POST' || match === null) return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const account = decodeURIComponent(match[1] ?? '');
    const expected = `Basic ${Buffer.from(`${TEST_ACCOUNT}:${TEST_AUTH}`).toString('base64')}`;
    const params = [...new URLSearchParams(body)];
    const record = (sid: string | null) =>
      created.push({ resource: match[2] === 'Calls' ? 'Calls' : 'Messages', account, params, fields: Object.fromEntries(params), sid });
    if (authorization !== expected || account !== TEST_ACCOUNT) {
      record(null);
      return json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
    if (fake.failure !== null) {
      record(null);
      const { status, code, message, headers } = fake.failure;
      if (code === undefined) return { status, headers, body: 'upstream trouble' };
      return { ...json(status, { code, message: message ?? 'Error', more_info: `https://www.twilio.com/docs/errors/${code}`, status }), headers: { 'Content-Type': 'application/json', ...headers } };
    }
    const prefix = match[2] === 'Calls' ? 'CA' : 'SM';
    const sid = `${prefix}${created.length.toString(16).padStart(32, '0')}`;
    record(sid);
    return json(201, { sid, account_sid: account, status: 'queued', to: Object.fromEntries(params).To ?? null });
  }
  return fake;
}

function json(status: number, body: unknown) {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
