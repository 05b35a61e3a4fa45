import t from 'tap';
import { ChannelConfigError, channelKinds, findChannelKind, integrations } from './registry.ts';

t.test('every integration has a unique kind and a label', async (t) => {
  const kinds = integrations.map((i) => i.kind);
  t.same(kinds, [...new Set(kinds)]);
  t.same(kinds.sort(), ['call', 'discord', 'email', 'gotify', 'matrix', 'mattermost', 'msteamsw', 'ntfy', 'opsgenie', 'pd', 'po', 'rocketchat', 'shell', 'signal', 'slack', 'sms', 'telegram', 'webhook', 'whatsapp', 'zulip']);
  for (const integration of integrations) t.match(integration.label, /^\S/);
  t.equal(channelKinds, integrations);
});

t.test('a kind is found by name; an unknown one is undefined', async (t) => {
  t.equal(findChannelKind('webhook')?.label, 'Webhook');
  t.equal(findChannelKind('email')?.label, 'Email');
  t.equal(findChannelKind('hipchat'), undefined);
});

t.test('every kind refuses settings that are not a JSON object, with ChannelConfigError', async (t) => {
  for (const integration of integrations) {
    for (const raw of [null, 'x', 3, []]) {
      t.throws(() => integration.parseConfig(raw), ChannelConfigError, `${integration.kind} ${JSON.stringify(raw)}`);
      t.throws(() => integration.open(raw), ChannelConfigError);
    }
  }
});
