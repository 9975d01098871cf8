import { z } from 'zod';
import { parseWith, type ParseResult } from './validation.js';

export const CORRELATOR_STATE_SCHEMA_NAME = 'sitrep.correlator-state.v1';

/**
 * The correlator's state for one alerts partition, the value of each record on the compacted
 * `sitrep.correlator-state.v1` topic (key: `alerts-partition-<n>`). Private to Sitrep: only the
 * correlator reads it, and the snapshot inside is opaque to anyone else.
 */
export interface CorrelatorStateRecordV1 {
  readonly schema: typeof CORRELATOR_STATE_SCHEMA_NAME;
  readonly partition: number;
  /** Offset of the next alerts record the state has not seen, as a decimal string (64-bit). */
  readonly nextOffset: string;
  /**
   * The correlator snapshot as gzipped JSON in base64: repeated label sets compress about
   * tenfold, which keeps a partition with 100,000 open alerts under the topic's 16 MiB limit.
   */
  readonly snapshot: string;
}

const correlatorStateRecordSchema = z.object({
  schema: z.literal(CORRELATOR_STATE_SCHEMA_NAME),
  partition: z.number().int().nonnegative(),
  nextOffset: z.string().regex(/^\d+$/),
  snapshot: z.string(),
});

export function parseCorrelatorStateRecord(value: unknown): ParseResult<CorrelatorStateRecordV1> {
  return parseWith(correlatorStateRecordSchema, value);
}
