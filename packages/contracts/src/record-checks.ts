import { isStorableInstant } from './time.js';
import { isStorableText } from './validation.js';

/*
 * Checks of the well-formed case of a record Sitrep itself wrote, for fast paths in front of a
 * record's zod schema: each either returns what the schema would (the same value, copied the way
 * the schema copies it) or UNSURE, and then the caller leaves the whole record to the schema,
 * which stays the one definition and the one source of error messages.
 */

/** Not sure: leave the record to its schema. */
export const UNSURE = undefined;

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function storable(value: unknown): value is string {
  return typeof value === 'string' && isStorableText(value);
}

/** toISOString's form; the schema accepts more, which the schema then reads itself. */
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An instant as Sitrep writes it (toISOString), real and in the storable range. */
export function isRecordInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_MILLIS.test(value)) return false;
  const date = new Date(value);
  // Equal only for a real calendar instant: 2026-02-30 or 24:00 would come back rolled over.
  return isStorableInstant(date) && date.toISOString() === value;
}

/** A record of storable names and values, copied key by key as z.record copies it. */
export function labelSet(value: unknown): Record<string, string> | undefined {
  // An own `__proto__` (JSON.parse makes one) is something a copy by assignment would not keep.
  if (!isObject(value) || Object.hasOwn(value, '__proto__')) return UNSURE;
  const out: Record<string, string> = {};
  for (const name of Object.keys(value)) {
    const label = value[name];
    if (!storable(name) || !storable(label)) return UNSURE;
    out[name] = label;
  }
  return out;
}

export function nonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function positiveInteger(value: unknown): value is number {
  return nonNegativeInteger(value) && value > 0;
}
