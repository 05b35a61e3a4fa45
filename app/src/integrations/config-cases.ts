// A test helper: runs a kind's table of settings cases (fixtures/config.json in its folder).
// Valid cases must normalise to `out`, and `out` must parse to itself (what is stored parses
// again unchanged); invalid ones must fail with ChannelConfigError and exactly `error`.
import { readFileSync } from 'node:fs';
import { ChannelConfigError, type Integration } from './types.ts';

interface TestLike {
  same(found: unknown, wanted: unknown, message: string): void;
  equal(found: unknown, wanted: unknown, message: string): void;
  type(found: unknown, klass: unknown, message: string): void;
}

interface ConfigCases {
  readonly valid: ReadonlyArray<{ why: string; in: unknown; out: unknown }>;
  readonly invalid: ReadonlyArray<{ in: unknown; error: string }>;
}

/** Checks every case of the JSON table at `fixture` (a file URL) against `integration`. */
export function checkConfigCases(t: TestLike, integration: Integration, fixture: URL): void {
  const cases = JSON.parse(readFileSync(fixture, 'utf8')) as ConfigCases;
  for (const { why, in: raw, out } of cases.valid) {
    t.same(integration.parseConfig(raw), out, why);
    t.same(integration.parseConfig(out), out, `${why} (parsed again)`);
  }
  for (const { in: raw, error } of cases.invalid) {
    let thrown: unknown = null;
    try {
      integration.parseConfig(raw);
    } catch (e) {
      thrown = e;
    }
    t.type(thrown, ChannelConfigError, JSON.stringify(raw));
    t.equal(thrown instanceof Error ? thrown.message : null, error, JSON.stringify(raw));
  }
}
