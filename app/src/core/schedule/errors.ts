/** An expression or time zone the engine refuses; the message names the field ("Bad day-of-month"). */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
}
