// Signal: a plain-text message per flip through signal-cli's DBus service (org.asamk.Signal),
// with Healthchecks' handling of unregistered recipients, rate limits and CAPTCHA demands.
// config.ts parses, message.ts builds the call, send.ts sends, bus.ts talks DBus.
import { defineIntegration } from '../define.ts';
import type { Integration } from '../types.ts';
import { parseSignalConfig } from './config.ts';
import { newSignalState, sendSignal, type SignalState } from './send.ts';

/** The integration with its own challenge log (tests make their own). */
export function signalIntegration(state: SignalState = newSignalState()): Integration {
  return defineIntegration({
    kind: 'signal',
    label: 'Signal',
    // One account sends for everyone, and Signal throttles accounts that burst: a few sends in
    // flight hide signal-cli's latency without making a flood.
    maxConcurrency: 4,
    parseConfig: parseSignalConfig,
    isNoop: (config, direction) => !config[direction],
    send: (config, notice, ctx) => sendSignal(config, notice, ctx, state),
  });
}

export const signal = signalIntegration();
