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

const LATEST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Whether every reader can take the instant: from the Unix epoch to the end of year 9999, the
 * range in which toISOString writes `YYYY-MM-DDTHH:mm:ss.sssZ` and record schemas read it back.
 * Earlier or later (year 0000, or 9999-12-31T23:00-01:00, which is year 10000 in UTC) was once
 * accepted at the edge and then dead-lettered by the correlator: an acknowledged alert lost.
 */
export function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= 0 && time <= LATEST_INSTANT;
}

const STORABLE_RANGE = 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';

const rfc3339Text = z
  .string({ error: 'must be an RFC 3339 timestamp string' })
  .regex(RFC3339, { error: 'must be an RFC 3339 timestamp such as 2024-05-01T10:00:00Z' });

/** The text as a Date, or undefined (with an issue) when it names no real instant. */
function parseInstant(text: string, ctx: z.RefinementCtx): Date | undefined {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()) || !calendarValid(text)) {
    ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
    return undefined;
  }
  return date;
}

/** An RFC 3339 timestamp, parsed to a Date (millisecond precision), within the storable range. */
export const rfc3339 = rfc3339Text.transform((text, ctx) => {
  const date = parseInstant(text, ctx);
  if (date === undefined) return z.NEVER;
  if (!isStorableInstant(date)) {
    ctx.addIssue({ code: 'custom', message: STORABLE_RANGE });
    return z.NEVER;
  }
  return date;
});

/**
 * An alert's `endsAt`: Go's zero time (Alertmanager's "has not ended", see isGoZeroTime) or an
 * RFC 3339 instant within the storable range.
 */
export const rfc3339OrGoZero = rfc3339Text.transform((text, ctx) => {
  const date = parseInstant(text, ctx);
  if (date === undefined) return z.NEVER;
  if (!isGoZeroTime(date) && !isStorableInstant(date)) {
    ctx.addIssue({ code: 'custom', message: `${STORABLE_RANGE}, or 0001-01-01T00:00:00Z (not ended)` });
    return z.NEVER;
  }
  return date;
});

/**
 * An instant as records carry it (toISOString's form, in UTC), for consumers: exactly what the
 * edge's rfc3339 writes, so whatever ingest accepted every reader accepts.
 */
export const recordInstant = z.iso
  .datetime({ offset: false, abort: true })
  .refine((text) => isStorableInstant(new Date(text)), { error: STORABLE_RANGE });

/** Go's zero time.Time: what Alertmanager sends as endsAt while an alert is firing. */
export function isGoZeroTime(date: Date): boolean {
  return date.getUTCFullYear() <= 1;
}
