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

export const CORRELATOR_STATE_PART_SCHEMA_NAME = 'sitrep.correlator-state.v2';

/** The kinds of record on the `sitrep.correlator-state.v2` topic. */
export const CORRELATOR_STATE_PART_KINDS = ['incident', 'alert', 'listing', 'stream', 'position', 'layout'] as const;

/**
 * One part of one alerts partition's correlator state, the value of a record on the compacted
 * `sitrep.correlator-state.v2` topic: it has the alerts topic's partition count, and the parts
 * of alerts partition n are on its partition n, so a member given a partition reads only that
 * one. Keys are `<partition>/<part key>`; a tombstone removes a part. `position` says which
 * alerts record the partition's state has reached; `layout` (on partition 0 only) what the state
 * was keyed under, so a change of partitions or dependency map is caught at start-up. Private to
 * Sitrep: the part bodies are the correlator's own and opaque to anyone else.
 */
export interface CorrelatorStatePartRecordV2 {
  readonly schema: typeof CORRELATOR_STATE_PART_SCHEMA_NAME;
  readonly partition: number;
  readonly part: { readonly kind: (typeof CORRELATOR_STATE_PART_KINDS)[number] } & Readonly<Record<string, unknown>>;
}

/** The `position` part: the offset of the next alerts record the partition's state has not seen. */
export interface CorrelatorPositionPart {
  readonly kind: 'position';
  readonly nextOffset: string;
}

/** The `layout` part: what alerts were keyed and partitioned by when the state was written. */
export interface CorrelatorLayoutPart {
  readonly kind: 'layout';
  readonly alertsPartitions: number;
  /** A digest of the dependency map and scope label: they decide each alert's key. */
  readonly keying: string;
}

const correlatorStatePartRecordSchema = z.object({
  schema: z.literal(CORRELATOR_STATE_PART_SCHEMA_NAME),
  partition: z.number().int().nonnegative(),
  part: z.looseObject({ kind: z.enum(CORRELATOR_STATE_PART_KINDS) }),
});

export function parseCorrelatorStatePartRecord(value: unknown): ParseResult<CorrelatorStatePartRecordV2> {
  return parseWith(correlatorStatePartRecordSchema, value);
}
