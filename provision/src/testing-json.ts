// JSON forms of values with Buffers, shared by the fixture tests (content as UTF-8 text).

/** `value` with every Buffer replaced by `{ utf8: text }`, for comparison with fixture JSON. */
export function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { utf8: value.toString('utf8') };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** The reverse of `plain`: `{ utf8: text }` back to a Buffer. */
export function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === 'utf8' && typeof entries[0][1] === 'string') return Buffer.from(entries[0][1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, revive(v)]));
  }
  return value;
}
