// Helpers shared by the chat integrations' tests: send and describe the outcome in one line,
// and run a settings table from a fixture file.
import { readFileSync } from 'node:fs';
import { testNotice } from './testing.ts';
import { TransportError, type Integration, type Notice, type SendContext } from './types.ts';

interface TestLike {
  same(found: unknown, wanted: unknown, message: string): unknown;
}

/** "ok", or the error's message with " (permanent)" and " retry N" when they apply. */
export async function sendOutcome(integration: Integration, config: unknown, ctx: SendContext, notice: Notice = testNotice()): Promise<string> {
  try {
    await integration.open(config).send(notice, ctx);
    return 'ok';
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    return `${error.message}${error.permanent ? ' (permanent)' : ''}${error.retryAfter === null ? '' : ` retry ${error.retryAfter}`}`;
  }
}

/** One row of a settings table: what is given, and the stored settings or the error message. */
export interface SettingsCase {
  readonly name: string;
  readonly given: unknown;
  readonly stored?: unknown;
  readonly error?: string;
}

/** Reads `fixtures/settings.json` next to a test (pass `import.meta.url`). */
export function settingsCases(testUrl: string): SettingsCase[] {
  return JSON.parse(readFileSync(new URL('fixtures/settings.json', testUrl), 'utf8')) as SettingsCase[];
}

/** Each case is stored as written or refused with exactly its message; stored settings parse to themselves. */
export function checkSettingsTable(t: TestLike, integration: Integration, cases: readonly SettingsCase[]): void {
  for (const c of cases) {
    if (c.error !== undefined) {
      t.same(refusal(() => integration.parseConfig(c.given)), `ChannelConfigError: ${c.error}`, c.name);
      continue;
    }
    const stored = integration.parseConfig(c.given);
    t.same(stored, c.stored, c.name);
    t.same(integration.parseConfig(stored), stored, `${c.name}: parsing the stored settings again changes nothing`);
  }
}

function refusal(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}
