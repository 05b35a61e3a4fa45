// The only place a logged ping becomes JSON: Healthchecks' Ping.to_dict, keys in its order.
import type { LoggedPing } from '../../../db/queries/ping-log.ts';
import type { ApiVersion } from '../endpoint.ts';

/** Python's isoformat() of a UTC time: microseconds when non-zero, `+00:00`. */
export function isoMicros(epochMicros: string): string {
  const us = BigInt(epochMicros);
  const seconds = us / 1_000_000n;
  const fraction = Number(us - seconds * 1_000_000n);
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return fraction === 0 ? `${base}+00:00` : `${base}.${String(fraction).padStart(6, '0')}+00:00`;
}

/** The ping as `GET .../pings/` lists it; `duration` (seconds, 2 decimals) only when known. */
export function presentPing(ping: LoggedPing, options: { siteRoot: string; version: ApiVersion; checkCode: string }): Record<string, unknown> {
  const bodyUrl = `${options.siteRoot}/api/v${options.version}/checks/${options.checkCode}/pings/${ping.n}/body`;
  const result: Record<string, unknown> = {
    type: ping.kind,
    date: isoMicros(ping.createdUs),
    n: ping.n,
    scheme: ping.scheme,
    // Healthchecks stores no address as NULL; we store ''.
    remote_addr: ping.remoteAddr === '' ? null : ping.remoteAddr,
    method: ping.method,
    ua: ping.ua,
    rid: ping.rid,
    body_url: ping.bodySize > 0 ? bodyUrl : null,
  };
  if (ping.durationMs !== null) result.duration = Math.round(ping.durationMs / 10) / 100;
  return result;
}
