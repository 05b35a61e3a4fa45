// The contract between the alert engine and one integration (one folder per kind). An
// integration validates its own settings, says which directions it ignores, and sends; the
// engine owns retries, ordering, leases and logging, so an integration never loops or sleeps.
import type { Config } from '../config.ts';
import type { Direction } from '../core/selection.ts';
import type { Summary } from '../core/summary.ts';
import type { Queryable } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { HttpClient } from './http.ts';
import type { MailSender } from './email/sender.ts';

export type { Direction };

/** A settings problem; the message names the field and is shown to the API client as is. */
export class ChannelConfigError extends Error {
  override name = 'ChannelConfigError';
}

/**
 * A failed send. `permanent` means retrying cannot help and the channel itself is at fault (a
 * webhook answering 404, a revoked token): the channel is disabled, as Healthchecks does.
 * `final` means this one notification can never be accepted (the target refused its content)
 * but the channel is sound: the delivery fails at once and the channel keeps serving other
 * checks. Otherwise the engine retries with backoff, or after `retryAfter` seconds if the target
 * said when (HTTP Retry-After).
 */
export class TransportError extends Error {
  override name = 'TransportError';
  readonly permanent: boolean;
  readonly final: boolean;
  /** Seconds the target asked us to wait; null when it did not say. */
  readonly retryAfter: number | null;

  constructor(message: string, options: { permanent?: boolean; final?: boolean; retryAfter?: number | null } = {}) {
    super(message);
    this.permanent = options.permanent ?? false;
    this.final = this.permanent || (options.final ?? false);
    this.retryAfter = options.retryAfter ?? null;
  }
}

/** What the rest of the app needs to know about a channel kind without sending anything. */
export interface ChannelKind {
  /** Stored in channels.kind and used in the API: "email", "webhook", "slack", ... */
  readonly kind: string;
  /** Human name: "Email", "Webhook", "Slack". */
  readonly label: string;
  /**
   * Validates settings from the API or UI and returns the normalised JSON to store in
   * channels.config; throws ChannelConfigError. Unknown keys are dropped. Idempotent:
   * parsing the stored result again gives the same result.
   */
  parseConfig(raw: unknown): unknown;
}

/** One message to send: a flip, a reminder, or a test from the API. */
export interface Notice {
  /** Idempotency key: the same for every attempt of one delivery (a UUID). */
  readonly code: string;
  readonly direction: Direction;
  readonly summary: Summary;
  /** The channel being notified (email needs its unsubscribe link). */
  readonly channel: { readonly code: string; readonly name: string; readonly unsubscribeKey: string };
  /** When this attempt is made; messages say "3 hours ago" relative to it. */
  readonly now: Date;
}

/** What a send may use. Nothing else: no globals, no process.env. */
export interface SendContext {
  readonly config: Config;
  /** Outbound HTTP with timeouts, a redirect limit and the private-address guard. */
  readonly http: HttpClient;
  /** The SMTP sender configured by EMAIL_*. */
  readonly mail: MailSender;
  readonly log: Logger;
  /**
   * The database, for integrations that keep state of their own (Twilio's monthly limits and
   * message SIDs), in tables of their own: the engine records every outcome itself.
   */
  readonly db: Queryable;
  /** Aborted when the engine shuts down or the send outlives its time. */
  readonly signal: AbortSignal;
  /**
   * This channel's stored settings, for an integration that must change them while sending
   * (Telegram: a group upgraded to a supergroup gets a new chat id). Absent where the caller
   * has no database at hand; integrations then carry on without storing.
   */
  readonly channelStore?: ChannelStore;
  /** Rate limits shared by every engine process (token buckets in the database); absent: none. */
  readonly rateLimiter?: RateLimiter;
}

/** Writes to one channel's stored settings, made from inside a send. */
export interface ChannelStore {
  /**
   * Stores `next` as the channel's settings if they are still exactly `current` (as read
   * before the send); false when someone changed them meanwhile (their change wins) or the
   * channel is gone.
   */
  replaceConfig(current: unknown, next: unknown): Promise<boolean>;
}

/** Token buckets: `capacity` messages at once, refilled evenly over `intervalSeconds`. */
export interface RateLimiter {
  /** Takes one token from bucket `key` at `now`; null when taken, else the seconds until one is free. */
  take(key: string, capacity: number, intervalSeconds: number, now: Date): Promise<number | null>;
}

/** What an integration's own send receives: the SendContext and its settings' store. */
export interface IntegrationContext<C> extends SendContext {
  /**
   * Stores changed settings of this integration (the common ones are kept); false when they
   * could not be stored (no channel store, or the settings were changed meanwhile).
   */
  saveConfig(next: C): Promise<boolean>;
}

/** What one integration folder provides; `C` is its parsed settings. */
export interface IntegrationSpec<C> {
  readonly kind: string;
  readonly label: string;
  /** Validates and normalises the integration's own settings (common keys are removed first). */
  parseConfig(raw: Record<string, unknown>): C;
  /** True when the channel ignores `direction` (no request is made, no notification logged). */
  isNoop(config: C, direction: Direction): boolean;
  /** Sends once; resolves on success, throws TransportError on failure. Never retries itself. */
  send(config: C, notice: Notice, ctx: IntegrationContext<C>): Promise<void>;
  /** Sends of this kind in flight at once in one engine process (default 16). */
  readonly maxConcurrency?: number;
}

/** A channel's stored settings, parsed and ready to send. */
export interface OpenChannel {
  /** Seconds between reminders while a check stays down; 0 = none. */
  readonly reminderInterval: number;
  isNoop(direction: Direction): boolean;
  send(notice: Notice, ctx: SendContext): Promise<void>;
}

/** An integration as the registry and the engine see it, whatever its settings type. */
export interface Integration extends ChannelKind {
  readonly maxConcurrency: number;
  /** Parses stored settings; throws ChannelConfigError when they are not valid any more. */
  open(config: unknown): OpenChannel;
}
