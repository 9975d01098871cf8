import { z } from 'zod';
import { alertConditionSchema } from './alert-condition.js';
import { wellFormedIncidentEventRecord } from './incident-event-check.js';
import { parseWith, tolerantEnum, type ParseResult } from './validation.js';

export const INCIDENT_EVENT_SCHEMA_NAME = 'sitrep.incident-event.v1';

export const INCIDENT_EVENT_TYPES = [
  'incident.opened',
  'incident.alert_attached',
  'incident.alert_resolved',
  'incident.change_attached',
  'incident.severity_changed',
  'incident.cause_ranked',
  'incident.resolving',
  'incident.resolved',
  'incident.reopened',
] as const;

const instant = z.iso.datetime({ offset: false });
const labels = z.record(z.string(), z.string());
// Tolerant: what a newer Sitrep adds reads as the closest known value (the severity mapping's
// fallback, `other`), so a rolling upgrade never dead-letters an incident's events.
const severity = tolerantEnum(['critical', 'warning', 'info'], 'warning');
const signal = tolerantEnum(
  ['error_rate', 'latency', 'load_imbalance', 'saturation', 'availability', 'other'],
  'other',
);

const incidentAlert = z.object({
  alertId: z.string(),
  fingerprint: z.string(),
  alertname: z.string(),
  signal,
  service: z.string(),
  severity,
  labels,
  annotations: labels,
  startsAt: instant,
  receivedAt: instant,
  value: z.number().nullable(),
  generatorURL: z.string().nullable(),
  /** When its condition first held; absent when unknown and on events written before it existed. */
  condition: alertConditionSchema(instant),
});

const incidentChange = z.object({
  changeId: z.string(),
  service: z.string(),
  kind: z.string(),
  summary: z.string(),
  at: instant,
  link: z.string().nullable(),
});

const causeHint = z.object({
  rank: z.number().int().positive(),
  signal: tolerantEnum(
    ['error_rate', 'latency', 'load_imbalance', 'saturation', 'availability', 'other', 'change'],
    'other',
  ),
  service: z.string(),
  since: instant,
  reason: z.string(),
  changeId: z.string().optional(),
});

const envelope = {
  schema: z.literal(INCIDENT_EVENT_SCHEMA_NAME),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  incidentId: z.string().min(1),
  sequence: z.number().int().positive(),
  occurredAt: instant,
};

/**
 * One incident event, the value of each record on `sitrep.incidents.v1` (key: the incident id).
 * Applied in sequence order, an incident's events rebuild it completely.
 */
export const incidentEventRecordSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    type: z.literal('incident.opened'),
    data: z.object({ scope: z.string(), service: z.string(), severity, startedAt: instant, detectedAt: instant }),
  }),
  z.object({ ...envelope, type: z.literal('incident.alert_attached'), data: z.object({ alert: incidentAlert }) }),
  z.object({
    ...envelope,
    type: z.literal('incident.alert_resolved'),
    data: z.object({
      alertId: z.string(),
      fingerprint: z.string(),
      endsAt: instant,
      receivedAt: instant,
      /** Absent on events written before it existed: those were reported resolutions or replacements. */
      reason: tolerantEnum(['resolved', 'replaced', 'not_in_group', 'stale'], 'resolved').optional(),
    }),
  }),
  z.object({ ...envelope, type: z.literal('incident.change_attached'), data: z.object({ change: incidentChange }) }),
  z.object({
    ...envelope,
    type: z.literal('incident.severity_changed'),
    data: z.object({ from: severity, to: severity }),
  }),
  z.object({ ...envelope, type: z.literal('incident.cause_ranked'), data: z.object({ hints: z.array(causeHint) }) }),
  z.object({ ...envelope, type: z.literal('incident.resolving'), data: z.object({ resolvesAt: instant }) }),
  z.object({ ...envelope, type: z.literal('incident.resolved'), data: z.object({ resolvedAt: instant }) }),
  z.object({ ...envelope, type: z.literal('incident.reopened'), data: z.object({ byAlertFingerprint: z.string() }) }),
]);

export type IncidentEventRecordV1 = z.output<typeof incidentEventRecordSchema>;

const knownTypes = new Set<string>(INCIDENT_EVENT_TYPES);

/**
 * An incident event of a type this version does not know, written by a newer correlator during
 * a rolling upgrade: its envelope is sound, so it still takes its place in the incident's
 * sequence (the events after it are not stuck waiting), and its data is kept as it came.
 */
const futureIncidentEventSchema = z.object({
  ...envelope,
  type: z.string().refine((type) => !knownTypes.has(type), { error: 'is a known type with invalid data' }),
  data: z.unknown(),
});

export type FutureIncidentEventRecord = z.output<typeof futureIncidentEventSchema>;

export function parseFutureIncidentEventRecord(value: unknown): ParseResult<FutureIncidentEventRecord> {
  return parseWith(futureIncidentEventSchema, value);
}

export function parseIncidentEventRecord(value: unknown): ParseResult<IncidentEventRecordV1> {
  // The well-formed case by hand first (see incident-event-check.ts); the schema decides the rest.
  const fast = wellFormedIncidentEventRecord(value);
  return fast === undefined ? parseWith(incidentEventRecordSchema, value) : { ok: true, value: fast };
}

/** JSON Schema (2020-12) of IncidentEventRecordV1, generated from the zod schema. */
export const incidentEventJsonSchema = {
  ...z.toJSONSchema(incidentEventRecordSchema, { target: 'draft-2020-12' }),
  $id: 'https://sitrep.dev/schemas/sitrep.incident-event.v1.json',
  title: 'Sitrep incident event v1',
  description:
    'Value of each record on the sitrep.incidents.v1 topic. Key: the incident id. Header sitrep-id: the event id.',
};
