import t from 'tap';
import { firstReminderAt, nextReminderAt } from './reminders.ts';

const at = (iso: string) => new Date(`2026-01-15T${iso}Z`);

t.test('the first reminder comes one interval after the check went down', async (t) => {
  t.same(firstReminderAt(at('10:00:00'), 3600, at('10:30:00')), at('11:00:00'));
});

t.test('a first reminder already overdue is sent now, once', async (t) => {
  t.same(firstReminderAt(at('10:00:00'), 3600, at('15:20:00')), at('15:20:00'));
});

t.test('the next reminder keeps the cadence of the previous one', async (t) => {
  t.same(nextReminderAt(at('11:00:00'), 3600, at('11:00:02')), at('12:00:00'));
  t.same(nextReminderAt(at('11:00:00'), 3600, at('11:00:00')), at('12:00:00'));
});

t.test('reminders missed while the engine was stopped are skipped, not sent in a burst', async (t) => {
  t.same(nextReminderAt(at('11:00:00'), 3600, at('15:30:00')), at('16:00:00'));
});
