import type { HttpRequest } from './http.ts';

/** A POST of `payload` as JSON to `url`, with `headers` added. */
export function jsonPost(url: string, payload: unknown, headers: Readonly<Record<string, string>> = {}): HttpRequest {
  return { method: 'POST', url, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}
