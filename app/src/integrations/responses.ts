// Reading the answers of HTTP APIs that explain their errors in JSON, and wording the result
// as Healthchecks does ('Received status code 400 with a message: "..."'), so an operator
// reading a channel's last_error sees the service's own words.
import type { HttpResponse } from './http.ts';

const DETAIL_LIMIT = 200;

/** The response body as a JSON object; null when it is not one (an HTML error page, nothing). */
export function jsonObject(res: HttpResponse): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(res.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The string at `key` of a JSON object; '' when absent or not a string. */
export function textField(doc: Record<string, unknown> | null, key: string): string {
  const value = doc?.[key];
  return typeof value === 'string' ? value : '';
}

/** `Received status code N`, with ` with a message: "detail"` when the service gave one (cut to 200 characters). */
export function statusText(status: number, detail = ''): string {
  const text = detail.replace(/\s+/g, ' ').trim();
  if (text === '') return `Received status code ${status}`;
  const cut = text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT)}…` : text;
  return `Received status code ${status} with a message: "${cut}"`;
}
