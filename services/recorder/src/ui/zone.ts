import { DateTime } from 'luxon';
import { isTimeZone } from '@sitrep/contracts';

/** The cookie the browser's script sets to its own zone, so pages render in it from then on. */
export const ZONE_COOKIE = 'sitrep_tz';

/**
 * The zone a page is shown in: `?tz=` when it names a listed zone, else the browser's (its
 * cookie), else UTC. Only names from the fixed list are used, so odd spellings build nothing.
 */
export function pageZone(query: unknown, cookie: string | undefined): { zone: string; fromQuery: boolean } {
  if (typeof query === 'string' && isTimeZone(query)) return { zone: query, fromQuery: true };
  if (cookie !== undefined && isTimeZone(cookie)) return { zone: cookie, fromQuery: false };
  return { zone: 'UTC', fromQuery: false };
}

/** `UTC+01:00`: the offset in force at that instant (a zone has two across a DST change). */
export const offsetLabel = (date: Date, zone: string): string =>
  DateTime.fromJSDate(date, { zone }).toFormat("'UTC'ZZ");

/** A full stamp with its offset: `2026-11-22 03:04:05 UTC+01:00`. */
export const stamp = (date: Date, zone: string): string =>
  DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd HH:mm:ss 'UTC'ZZ");

/** The value of a `datetime-local` input for this instant in this zone (to the second). */
export const localInputValue = (date: Date, zone: string): string =>
  DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

/** A `datetime-local` value read in `zone`; null when it is not one. */
export function parseLocalInput(value: string, zone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return null;
  const parsed = DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed.toJSDate() : null;
}
