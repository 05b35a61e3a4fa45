// Email: an HTML and plain-text message per flip through the SMTP server of EMAIL_*, with
// one-click unsubscribe. Copy webhook/ for HTTP integrations; this folder shows a non-HTTP one.
import { defineIntegration } from '../define.ts';
import { parseEmailConfig } from './config.ts';
import { alertEmail } from './message.ts';

export const email = defineIntegration({
  kind: 'email',
  label: 'Email',
  // SMTP servers throttle parallel connections from one client; the sender pools 4.
  maxConcurrency: 8,
  parseConfig: parseEmailConfig,
  isNoop: (config, direction) => !config[direction],
  async send(config, notice, ctx) {
    const site = { siteRoot: ctx.config.siteRoot, siteName: ctx.config.siteName, from: ctx.config.email.from };
    await ctx.mail.send(alertEmail(config.address, notice, site), ctx.signal);
  },
});
