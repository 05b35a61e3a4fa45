import { splitCommonSettings } from './settings.ts';
import type { Integration, IntegrationSpec } from './types.ts';

const DEFAULT_CONCURRENCY = 16;

/**
 * Turns one folder's typed spec into the registry's Integration: common settings
 * (reminder_interval) are parsed here, the rest by the folder's own parseConfig.
 */
export function defineIntegration<C extends object>(spec: IntegrationSpec<C>): Integration {
  const parse = (raw: unknown) => {
    const { common, own } = splitCommonSettings(raw);
    return { common, config: spec.parseConfig(own) };
  };
  return {
    kind: spec.kind,
    label: spec.label,
    maxConcurrency: spec.maxConcurrency ?? DEFAULT_CONCURRENCY,
    parseConfig(raw) {
      const { common, config } = parse(raw);
      return common.reminder_interval > 0 ? { ...config, reminder_interval: common.reminder_interval } : { ...config };
    },
    open(raw) {
      const { common, config } = parse(raw);
      return {
        reminderInterval: common.reminder_interval,
        isNoop: (direction) => spec.isNoop(config, direction),
        send: (notice, ctx) => spec.send(config, notice, ctx),
      };
    },
  };
}
