// Slack's incoming-webhook payload, shared by every Slack-compatible integration: Slack,
// Mattermost and Discord (through its /slack endpoint) send it as is, with their own way of
// escaping; Rocket.Chat takes the same fields under a different envelope. Pure. Slack-compatible
// webhooks take no idempotency key: a resend after a crash is a duplicate in the chat.
import { displayName, type Summary } from '../../core/summary.ts';
import {
  afterStatus,
  chatBody,
  chatFacts,
  checkLink,
  escapeMarkdown,
  otherDownList,
  reasonSuffix,
  statusDetail,
  statusPhrase,
  statusTitle,
  type ChatFact,
  type SiteLinks,
} from '../chat-text.ts';
import type { Notice } from '../types.ts';

/** How one Slack-compatible service needs text escaped. */
export interface SlackFlavour {
  /** Keeps the asterisks of a cron schedule from being read as emphasis. */
  readonly fixAsterisks: (text: string) => string;
  /** Applied to every text value: Slack's `&`, `<`, `>` control characters; nothing elsewhere. */
  readonly escape: (text: string) => string;
}

const combiningJoiner = (text: string) => text.replace(/\*/g, '\u034f*');
const backslash = (text: string) => text.replace(/\*/g, '\\*');
const asIs = (text: string) => text;
const SLACK_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack: `<!channel>` in a check name must not reach Slack as a mention, so &, <, > are escaped. */
export const SLACK: SlackFlavour = { fixAsterisks: combiningJoiner, escape: (text) => text.replace(/[&<>]/g, (c) => SLACK_ENTITIES[c] ?? c) };
export const MATTERMOST: SlackFlavour = { fixAsterisks: combiningJoiner, escape: asIs };
export const DISCORD: SlackFlavour = { fixAsterisks: backslash, escape: asIs };
export const ROCKETCHAT: SlackFlavour = { fixAsterisks: backslash, escape: asIs };

export interface SlackField {
  readonly title: string;
  readonly value: string;
  readonly short?: true;
}

export interface SlackAttachment {
  readonly color: string;
  readonly fallback: string;
  readonly mrkdwn_in: readonly string[];
  readonly title: string;
  readonly title_link: string;
  readonly text?: string;
  readonly fields: readonly SlackField[];
}

export interface SlackPayload {
  readonly username: string;
  readonly attachments: readonly SlackAttachment[];
}

/** The payload for `notice`, as Healthchecks' Slack transport builds it. */
export function slackPayload(notice: Notice, site: SiteLinks, flavour: SlackFlavour): SlackPayload {
  const { summary, now } = notice;
  const detail = statusDetail(summary, now);
  const attachment: SlackAttachment = {
    color: summary.status === 'up' ? 'good' : 'danger',
    fallback: flavour.escape(`The check "${displayName(summary)}" is ${statusPhrase(summary)}.`),
    mrkdwn_in: ['fields'],
    title: flavour.escape(statusTitle(summary)),
    title_link: checkLink(summary, site),
    ...(detail === null ? {} : { text: flavour.escape(detail) }),
    fields: slackFields(summary, now, flavour),
  };
  return { username: site.siteName, attachments: [attachment] };
}

/**
 * Healthchecks' fields: Description, Project, Tags, Period or Schedule and Time Zone, Total
 * Pings, Last Ping, then the body in a code block (skipped when it holds a code fence of its
 * own, which would end the block) and, beyond Healthchecks, the other checks that are down.
 */
export function slackFields(summary: Summary, now: Date, flavour: SlackFlavour): SlackField[] {
  const fields: SlackField[] = [];
  const add = (title: string, value: string, short = true) => fields.push({ title, value: flavour.escape(value), ...(short ? { short } : {}) });
  if (summary.check.desc.trim()) add('Description', summary.check.desc.trim(), false);
  for (const fact of chatFacts(summary, now)) add(fact.label, factText(fact, flavour));
  const body = chatBody(summary);
  if (body !== null && !body.includes('```')) add('Last Ping Body', `\`\`\`\n${body}\n\`\`\``, false);
  const others = otherDownList(summary);
  if (others !== null) {
    const names = others.names.map((name) => `“${name}”`).join(', ');
    add('Other Checks', names === '' ? others.heading : `${others.heading} ${names}`, false);
  }
  return fields;
}

function factText(fact: ChatFact, flavour: SlackFlavour): string {
  if (fact.kind === 'tags') return fact.value.map((tag) => `\`${tag}\``).join(' ');
  if (fact.kind === 'schedule') return flavour.fixAsterisks(fact.value);
  return fact.value;
}

/**
 * Rocket.Chat's payload (Healthchecks' differences): the status as Markdown text with the
 * check's name as a link, the fields in one attachment coloured green or red, asterisks
 * escaped with a backslash. Healthchecks links the body to its ping page; with no such page
 * here the body is shown in a code block as in Slack.
 */
export function rocketChatPayload(notice: Notice, site: SiteLinks): Record<string, unknown> {
  const { summary, now } = notice;
  const name = `[${escapeMarkdown(displayName(summary))}](${checkLink(summary, site)})`;
  const lines = [`${name} is ${statusPhrase(summary)}${reasonSuffix(summary)}.`];
  const detail = afterStatus(summary, now);
  if (detail !== null) lines.push(detail);
  return {
    alias: site.siteName,
    text: lines.join('\n'),
    attachments: [{ color: summary.status === 'up' ? '#5cb85c' : '#d9534f', fields: slackFields(summary, now, ROCKETCHAT) }],
  };
}
