// The message a Teams workflow posts: an Adaptive Card 1.2 with the status as a heading, a
// FactSet of Healthchecks' facts, the ping body in a code block and a link, as Healthchecks
// sends it. Pure.
import { displayName, type Summary } from '../../core/summary.ts';
import { afterStatus, chatBody, chatFacts, checkLink, otherDownList, reasonSuffix, statusPhrase, type SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import type { Notice } from '../types.ts';
import type { MsTeamsConfig } from './config.ts';

type Block = Record<string, unknown>;

/** The request for `notice`. Workflows take no idempotency key. */
export function msTeamsRequest(config: MsTeamsConfig, notice: Notice, site: SiteLinks): HttpRequest {
  return jsonPost(config.url, msTeamsPayload(notice, site));
}

/** The Workflows message: one Adaptive Card attachment. */
export function msTeamsPayload(notice: Notice, site: SiteLinks): Record<string, unknown> {
  const { summary, now } = notice;
  const body: Block[] = [{ type: 'TextBlock', text: heading(summary), weight: 'bolder', size: 'medium', wrap: true, style: 'heading' }];
  const detail = afterStatus(summary, now);
  if (detail !== null) body.push({ type: 'TextBlock', text: detail, wrap: true });
  body.push({ type: 'FactSet', facts: facts(summary, now) });
  const others = otherDownList(summary);
  if (others !== null) {
    const names = others.names.map((name) => `“${name}”`).join(', ');
    body.push({ type: 'TextBlock', text: names === '' ? others.heading : `${others.heading} ${names}`, wrap: true });
  }
  const ping = chatBody(summary);
  if (ping !== null) {
    body.push({ type: 'TextBlock', text: 'Last Ping Body:', weight: 'bolder' });
    body.push({ type: 'CodeBlock', codeSnippet: ping, language: 'PlainText' });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          fallbackText: `“${displayName(summary)}” is ${statusPhrase(summary)}.`,
          version: '1.2',
          body,
          actions: [{ type: 'Action.OpenUrl', title: `View in ${site.siteName}`, url: checkLink(summary, site) }],
        },
      },
    ],
  };
}

/** `🔴 “Backups” is DOWN (received a failure signal).`, `🟢 “Backups” is UP.` */
function heading(summary: Summary): string {
  const icon = summary.status === 'up' ? '🟢' : '🔴';
  return `${icon} “${displayName(summary)}” is ${statusPhrase(summary)}${reasonSuffix(summary)}.`;
}

/** The FactSet: titles end with a colon, the description's lines become paragraphs (Teams' Markdown). */
function facts(summary: Summary, now: Date): Array<{ title: string; value: string }> {
  const list: Array<{ title: string; value: string }> = [];
  const desc = summary.check.desc.trim();
  if (desc) list.push({ title: 'Description:', value: desc.replace(/\n/g, '\n\n') });
  for (const fact of chatFacts(summary, now)) {
    const value = fact.kind === 'tags' ? fact.value.join(' ') : fact.kind === 'schedule' ? fact.value.replace(/\*/g, '\u034f*') : fact.value;
    list.push({ title: `${fact.label}:`, value });
  }
  return list;
}
