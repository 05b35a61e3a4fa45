// Repeated reminders while a check stays down (Healthchecks issue #510), per channel. The
// rules keep a fixed cadence from the moment the check went down and never send a burst to
// catch up after the engine was stopped.

/** Shortest and longest reminder interval a channel may ask for, in seconds. */
export const MIN_REMINDER_INTERVAL = 300;
export const MAX_REMINDER_INTERVAL = 30 * 86_400;

/**
 * The first reminder for a check down since `downSince`: one interval later, or `now` when
 * that moment has already passed (reminders were switched on late, or the engine was stopped).
 */
export function firstReminderAt(downSince: Date, intervalSeconds: number, now: Date): Date {
  const due = new Date(downSince.getTime() + intervalSeconds * 1000);
  return due > now ? due : now;
}

/**
 * The reminder after one due at `due`: the first point of the cadence `due + k·interval`
 * strictly after `now`, so missed reminders are skipped rather than sent all at once.
 */
export function nextReminderAt(due: Date, intervalSeconds: number, now: Date): Date {
  const step = intervalSeconds * 1000;
  const behind = Math.max(0, now.getTime() - due.getTime());
  const steps = Math.floor(behind / step) + 1;
  return new Date(due.getTime() + steps * step);
}
