import { z } from 'zod';

// RFC 3339 as Go's time.Time marshals it: optional fraction up to nanoseconds, Z or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Date's parser rolls 2026-02-30 over to 2 March and 24:00 to the next day: refuse them instead. */
export function calendarValid(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (!match) return false;
  // Optional groups that did not take part are undefined at run time, whatever the types say.
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  const probe = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    probe.getUTCMonth() === Number(month) - 1 &&
    probe.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60
  );
}

/** An RFC 3339 timestamp, parsed to a Date (millisecond precision). */
export const rfc3339 = z
  .string({ error: 'must be an RFC 3339 timestamp string' })
  .regex(RFC3339, { error: 'must be an RFC 3339 timestamp such as 2024-05-01T10:00:00Z' })
  .transform((text, ctx) => {
    const date = new Date(text);
    if (Number.isNaN(date.getTime()) || !calendarValid(text)) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
      return z.NEVER;
    }
    return date;
  });

/** Go's zero time.Time: what Alertmanager sends as endsAt while an alert is firing. */
export function isGoZeroTime(date: Date): boolean {
  return date.getUTCFullYear() <= 1;
}
