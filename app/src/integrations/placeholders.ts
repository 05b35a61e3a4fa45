// Placeholder substitution shared by the integrations that let users write templates
// (webhook, shell): Healthchecks' hc/lib/string.py::replace semantics.

/**
 * Replaces `$NAME`-style placeholders in one pass: only placeholders written in the template
 * are replaced, never ones that appear inside a substituted value (a check named "$TAG1" stays
 * "$TAG1"). At each "$" the longest matching placeholder wins, so $TAG10 is not read as $TAG1
 * followed by "0" (where Healthchecks, matching in insertion order, would).
 */
export function substitute(template: string, values: Readonly<Record<string, string>>): string {
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  const [head = '', ...parts] = template.split('$');
  const out = [head];
  for (const part of parts) {
    const piece = `$${part}`;
    const name = names.find((n) => piece.startsWith(n));
    out.push(name === undefined ? piece : values[name] + piece.slice(name.length));
  }
  return out.join('');
}

/** Python's urllib.parse.quote(s) (safe "/"): what Healthchecks applies to values put in URLs. */
export function quoteForUrl(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** Latin-1 with other characters as "&#NNN;" (Python's xmlcharrefreplace): safe in a header value. */
export function latin1ForHeader(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    out += code <= 0xff ? char : `&#${code};`;
  }
  return out;
}

/** "2026-01-15T10:00:00+00:00": Python's isoformat() of a UTC time without microseconds. */
export function isoSeconds(date: Date | string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
