// Microsoft Teams through a Workflows webhook (Power Automate); the Office 365 connectors that
// Healthchecks' older "msteams" kind used are retired.
import { defineIntegration } from '../define.ts';
import { expectSuccess } from '../http.ts';
import { TransportError } from '../types.ts';
import { parseMsTeamsConfig } from './config.ts';
import { msTeamsRequest } from './message.ts';

export const msteamsw = defineIntegration({
  kind: 'msteamsw',
  label: 'Microsoft Teams',
  parseConfig: parseMsTeamsConfig,
  isNoop: () => false,
  async send(config, notice, ctx) {
    if (!ctx.config.integrations.msteamsEnabled) throw new TransportError('MS Teams notifications are not enabled.');
    const response = await ctx.http.request(msTeamsRequest(config, notice, ctx.config), ctx.signal);
    // Workflows answer 202. As in Healthchecks no status is permanent: a workflow turned off
    // (or its owner's licence lapsing) answers 4xx until someone turns it back on.
    expectSuccess(response, notice.now);
  },
});
