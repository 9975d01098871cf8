import type { IncomingMessage } from '@sitrep/bus';
import { HEADERS, type ParseResult } from '@sitrep/contracts';

/** What reading a record needs of a consumed message: all of it but the broker's timestamp. */
export type ConsumedRecord = Omit<IncomingMessage, 'timestamp'>;

/** Why a record went to the dead-letter topic: a fixed set, so it can be a metric label. */
export const DEAD_LETTER_REASONS = [
  'invalid_json',
  'schema_violation',
  'unknown_schema',
  'sequence_conflict',
  /** Failed to apply for a reason retrying did not cure (a value the store refuses). */
  'apply_failed',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export type ReadResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: DeadLetterReason; readonly detail: string };

/** Parses a consumed record's JSON value against the schema its header (if any) must name. */
export function readRecord<T>(
  record: ConsumedRecord,
  schemaName: string,
  parse: (value: unknown) => ParseResult<T>,
): ReadResult<T> {
  const declared = record.headers[HEADERS.schema];
  if (declared !== undefined && declared !== schemaName) {
    return { ok: false, reason: 'unknown_schema', detail: `schema ${declared} is not ${schemaName}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(record.value);
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message };
  }
  const result = parse(json);
  if (result.ok) return result;
  return {
    ok: false,
    reason: 'schema_violation',
    detail: result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
  };
}
