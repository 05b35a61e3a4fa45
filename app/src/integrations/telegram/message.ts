// The Bot API request a Telegram channel makes: sendMessage with an HTML text laid out as
// Healthchecks' telegram_message.html. Pure.
import { displayName, type Summary } from '../../core/summary.ts';
import { escapeHtml } from '../email/message.ts';
import { afterStatus, chatBody, chatFacts, checkLink, otherDownList, reasonSuffix, type SiteLinks } from '../chat-text.ts';
import type { HttpRequest } from '../http.ts';
import { jsonPost } from '../json.ts';
import type { Notice } from '../types.ts';
import type { TelegramConfig } from './config.ts';

/** Telegram refuses longer texts (counted after entities are parsed). */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Where the Bot API is and the bot's token (TELEGRAM_API_URL, TELEGRAM_TOKEN). */
export interface BotApi {
  readonly apiUrl: string;
  readonly token: string;
}

/**
 * The sendMessage request for `notice` to `chatId` (the configured chat, or the one it
 * migrated to). The Bot API takes no idempotency key: a resend after a crash is a duplicate.
 */
export function telegramRequest(config: TelegramConfig, notice: Notice, bot: BotApi, site: SiteLinks, chatId = config.id): HttpRequest {
  const payload = {
    chat_id: chatId,
    ...(config.thread_id === null ? {} : { message_thread_id: config.thread_id }),
    text: telegramText(notice.summary, notice.now, site),
    parse_mode: 'HTML',
  };
  return jsonPost(`${bot.apiUrl}/bot${bot.token}/sendMessage`, payload);
}

/**
 * The message text. Should names, tags and other checks ever push it past Telegram's limit,
 * the body is left out, and then everything but the status line: a short alert beats none.
 */
export function telegramText(summary: Summary, now: Date, site: SiteLinks): string {
  const full = lines(summary, now, site, true).join('\n');
  if (visibleLength(full) <= TELEGRAM_TEXT_LIMIT) return full;
  const withoutBody = lines(summary, now, site, false).join('\n');
  if (visibleLength(withoutBody) <= TELEGRAM_TEXT_LIMIT) return withoutBody;
  return statusLines(summary, now, site).join('\n');
}

function lines(summary: Summary, now: Date, site: SiteLinks, withBody: boolean): string[] {
  const out = [...statusLines(summary, now, site), ''];
  for (const fact of chatFacts(summary, now)) {
    const value = fact.kind === 'tags' ? escapeHtml(fact.value.join(', ')) : fact.kind === 'schedule' ? `<code>${escapeHtml(fact.value)}</code>` : escapeHtml(fact.value);
    out.push(`<b>${fact.label}:</b> ${value}`);
  }
  const body = withBody ? chatBody(summary) : null;
  if (body !== null) out.push('<b>Last Ping Body:</b>', `<pre>${escapeHtml(body)}</pre>`);
  const others = otherDownList(summary);
  if (others !== null) {
    out.push('', escapeHtml(others.heading));
    for (const name of others.names) out.push(`- ${escapeHtml(name)}`);
  }
  return out;
}

/** `🔴 The check <a href="…">Backups</a> is <b>DOWN</b> (reason).`, and the downtime for an up flip. */
function statusLines(summary: Summary, now: Date, site: SiteLinks): string[] {
  const name = `<a href="${escapeHtml(checkLink(summary, site))}">${escapeHtml(displayName(summary))}</a>`;
  const first =
    summary.status === 'up'
      ? `🟢 The check ${name} is now <b>UP</b>.`
      : `🔴 The check ${name} is ${summary.event === 'reminder' ? 'still ' : ''}<b>DOWN</b>${escapeHtml(reasonSuffix(summary))}.`;
  const detail = afterStatus(summary, now);
  return detail === null ? [first] : [first, escapeHtml(detail)];
}

/** Characters Telegram counts (UTF-16 units, to be safe): tags removed, entities as one character. */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot|#\d+);/g, '_').length;
}
