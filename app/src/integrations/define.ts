import { splitCommonSettings } from './settings.ts';
import type { Integration, IntegrationSpec, SendContext } from './types.ts';

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
      // Changed settings replace the stored ones only if those are still what was opened, so
      // an edit made through the API during the send is never overwritten.
      const saveConfig = (ctx: SendContext) => async (next: C) => {
        if (ctx.channelStore === undefined) return false;
        const stored = common.reminder_interval > 0 ? { ...next, reminder_interval: common.reminder_interval } : { ...next };
        return ctx.channelStore.replaceConfig(raw, stored);
      };
      return {
        reminderInterval: common.reminder_interval,
        isNoop: (direction) => spec.isNoop(config, direction),
        send: (notice, ctx) => spec.send(config, notice, { ...ctx, saveConfig: saveConfig(ctx) }),
      };
    },
  };
}
