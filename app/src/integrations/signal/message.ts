// The exact DBus call a Signal channel makes for a notice: signal-cli's
// org.asamk.Signal.sendMessage(message s, attachments as, recipients as) -> timestamp x.
// Pure: the same notice and settings always give the same call.
//
// Plain text only. Healthchecks marks the check name and labels bold and the schedule as
// monospace, but that needs signal-cli's JSON-RPC `textStyle`; its DBus sendMessage takes no
// styles (DbusSignalImpl builds the message with an empty style list), and Signal shows
// Markdown-like markers literally, so adding any would only add noise.
import { plainText } from '../../core/summary.ts';
import type { Notice } from '../types.ts';
import { isUsername, type SignalConfig } from './config.ts';

/** The interface every signal-cli account object implements. */
export const SIGNAL_INTERFACE = 'org.asamk.Signal';

/** The last characters of the ping body a message shows (Healthchecks' Telegram limit). */
export const SIGNAL_BODY_CHARS = 1000;

/** One method call on signal-cli's bus name; `path` is filled in from the operator's settings. */
export interface SignalCall {
  readonly interface: string;
  readonly member: string;
  readonly signature: string;
  readonly body: readonly unknown[];
}

/** How signal-cli names a recipient: the number as is, a username prefixed with "u:". */
export function recipientId(recipient: string): string {
  return isUsername(recipient) ? `u:${recipient}` : recipient;
}

/** The message text: the shared summary as plain text (headline, details, other checks, body). */
export function signalText(notice: Notice): string {
  return plainText(notice.summary, notice.now, { bodyChars: SIGNAL_BODY_CHARS });
}

/** The sendMessage call for `notice`: no attachments, one recipient (the array form). */
export function sendMessageCall(config: SignalConfig, notice: Notice): SignalCall {
  return {
    interface: SIGNAL_INTERFACE,
    member: 'sendMessage',
    signature: 'sasas',
    body: [signalText(notice), [], [recipientId(config.recipient)]],
  };
}
