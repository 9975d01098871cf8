import { z } from 'zod';
import {
  ALERT_CONDITION_SOURCES,
  alertConditionJsonSchema,
  alertConditionSchema,
  type AlertConditionV1,
} from './alert-condition.js';
import {
  isObject,
  isRecordInstant,
  labelSet,
  nonNegativeInteger,
  positiveInteger,
  storable,
  UNSURE,
} from './record-checks.js';
import { recordInstant } from './time.js';
import { parseWith, storableText, type ParseResult } from './validation.js';

export const ALERT_RECORD_SCHEMA_NAME = 'sitrep.alert.v1';

/**
 * One alert as Sitrep received it, the value of each record on `sitrep.alerts.v1`. Documented as
 * JSON Schema in alertRecordJsonSchema (and README.md of this package); additive changes only,
 * anything else is a new topic version.
 */
export interface AlertRecordV1 {
  readonly schema: typeof ALERT_RECORD_SCHEMA_NAME;
  /** Stable occurrence id: equal for every re-delivery of the same alert state. */
  readonly id: string;
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  /** Null while firing. */
  readonly endsAt: string | null;
  readonly generatorURL: string | null;
  readonly receivedAt: string;
  /**
   * What the alert is about, computed once by ingest under its scope labels: the label the
   * service came from and its value (e.g. service=auth), and the other scope labels the alert
   * carries (cluster, namespace). Records written before `qualifiers` existed have none.
   */
  readonly scope: {
    readonly label: string;
    readonly value: string;
    readonly qualifiers?: Readonly<Record<string, string>> | undefined;
  };
  readonly notification: {
    readonly groupKey: string;
    readonly receiver: string;
    readonly status: 'firing' | 'resolved';
    readonly externalURL: string;
    readonly groupLabels: Readonly<Record<string, string>>;
    readonly truncatedAlerts: number;
    /**
     * How many alerts of the notification share this record's key. With truncatedAlerts 0 the
     * notification lists every alert of its group, so the correlator can tell which ones a
     * group no longer lists. Absent on records written before it existed.
     */
    readonly alertsWithKey?: number | undefined;
  };
  /**
   * When the alert's condition first held, as ingest learned it at receipt (Prometheus's rules,
   * or the correlation file's `alert_for`): startsAt is late by the rule's `for:`. Absent when
   * unknown, and on records written before it existed.
   */
  readonly condition?: AlertConditionV1 | undefined;
}

// What the edge accepts, every string storable and every instant in range (see time.ts).
const isoInstant = recordInstant;
const labels = z.record(storableText(), storableText());

/** For consumers: parses and checks a record read from the topic. */
export const alertRecordSchema = z.object({
  schema: z.literal(ALERT_RECORD_SCHEMA_NAME),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  fingerprint: storableText().min(1),
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels,
  startsAt: isoInstant,
  endsAt: isoInstant.nullable(),
  generatorURL: storableText().nullable(),
  receivedAt: isoInstant,
  scope: z.object({ label: storableText(), value: storableText(), qualifiers: labels.optional() }),
  notification: z.object({
    groupKey: storableText(),
    receiver: storableText(),
    status: z.enum(['firing', 'resolved']),
    externalURL: storableText(),
    groupLabels: labels,
    truncatedAlerts: z.number().int().nonnegative(),
    alertsWithKey: z.number().int().positive().optional(),
  }),
  condition: alertConditionSchema(isoInstant),
});

/**
 * Parses and checks a record read from the topic. Records are checked on every read by every
 * consumer (the correlator reads each alert once per replay too), so the well-formed case, as
 * ingest writes it, is checked by hand first; anything else goes to the schema, whose output
 * the hand check matches exactly (alert-record.test.ts holds them to it).
 */
export function parseAlertRecord(value: unknown): ParseResult<AlertRecordV1> {
  const fast = wellFormedAlertRecord(value);
  return fast === UNSURE ? parseWith(alertRecordSchema, value) : { ok: true, value: fast };
}

const STATUSES = new Set<unknown>(['firing', 'resolved']);
const OCCURRENCE_ID = /^[0-9a-f]{32}$/;
const CONDITION_SOURCES = new Set<unknown>(ALERT_CONDITION_SOURCES);

/** The record as alertRecordSchema outputs it, or UNSURE. */
export function wellFormedAlertRecord(value: unknown): AlertRecordV1 | undefined {
  if (!isObject(value)) return UNSURE;
  const { scope, notification, condition } = value;
  const labels = labelSet(value.labels);
  const annotations = labelSet(value.annotations);
  if (
    value.schema !== ALERT_RECORD_SCHEMA_NAME ||
    typeof value.id !== 'string' ||
    !OCCURRENCE_ID.test(value.id) ||
    !storable(value.fingerprint) ||
    value.fingerprint === '' ||
    !STATUSES.has(value.status) ||
    labels === UNSURE ||
    annotations === UNSURE ||
    !isRecordInstant(value.startsAt) ||
    !(value.endsAt === null || isRecordInstant(value.endsAt)) ||
    !(value.generatorURL === null || storable(value.generatorURL)) ||
    !isRecordInstant(value.receivedAt) ||
    !isObject(scope) ||
    !isObject(notification)
  ) {
    return UNSURE;
  }
  const qualifiers = scope.qualifiers === undefined ? undefined : labelSet(scope.qualifiers);
  const groupLabels = labelSet(notification.groupLabels);
  const { alertsWithKey } = notification;
  if (
    !storable(scope.label) ||
    !storable(scope.value) ||
    (scope.qualifiers !== undefined && qualifiers === UNSURE) ||
    !storable(notification.groupKey) ||
    !storable(notification.receiver) ||
    !STATUSES.has(notification.status) ||
    !storable(notification.externalURL) ||
    groupLabels === UNSURE ||
    !nonNegativeInteger(notification.truncatedAlerts) ||
    !(alertsWithKey === undefined || positiveInteger(alertsWithKey)) ||
    // A condition of a source this version does not know is the schema's to drop.
    !(
      condition === undefined ||
      (isObject(condition) && isRecordInstant(condition.since) && CONDITION_SOURCES.has(condition.source))
    )
  ) {
    return UNSURE;
  }
  return {
    schema: ALERT_RECORD_SCHEMA_NAME,
    id: value.id,
    fingerprint: value.fingerprint,
    status: value.status as AlertRecordV1['status'],
    labels,
    annotations,
    startsAt: value.startsAt,
    endsAt: value.endsAt,
    generatorURL: value.generatorURL,
    receivedAt: value.receivedAt,
    scope: { label: scope.label, value: scope.value, ...(qualifiers === undefined ? {} : { qualifiers }) },
    notification: {
      groupKey: notification.groupKey,
      receiver: notification.receiver,
      status: notification.status as AlertRecordV1['status'],
      externalURL: notification.externalURL,
      groupLabels,
      truncatedAlerts: notification.truncatedAlerts,
      ...(alertsWithKey === undefined ? {} : { alertsWithKey }),
    },
    ...(condition === undefined
      ? {}
      : { condition: { since: condition.since as string, source: condition.source as AlertConditionV1['source'] } }),
  };
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const instant = {
  type: 'string',
  format: 'date-time',
  description: 'UTC instant, ISO 8601 with milliseconds, from 1970-01-01 to 9999-12-31',
} as const;

/** JSON Schema (2020-12) of AlertRecordV1, for readers in other languages. */
export const alertRecordJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://sitrep.dev/schemas/sitrep.alert.v1.json',
  title: 'Sitrep alert record v1',
  description:
    'Value of each record on the sitrep.alerts.v1 topic. Key: the dependency component of scope.value (the alphabetically first service linked to it through the dependency map; the service itself when it has no links). Header sitrep-id: the id below.',
  type: 'object',
  additionalProperties: false,
  required: [
    'schema',
    'id',
    'fingerprint',
    'status',
    'labels',
    'annotations',
    'startsAt',
    'endsAt',
    'generatorURL',
    'receivedAt',
    'scope',
    'notification',
  ],
  properties: {
    schema: { const: ALERT_RECORD_SCHEMA_NAME },
    id: {
      type: 'string',
      pattern: '^[0-9a-f]{32}$',
      description:
        'Occurrence id: sha256(fingerprint, startsAt, status), first 32 hex digits. Equal across re-deliveries.',
    },
    fingerprint: { type: 'string', description: "Alertmanager's label-set fingerprint (16 hex digits)." },
    status: { enum: ['firing', 'resolved'] },
    labels: { ...stringMap, description: 'Labels sorted by name, empty values dropped.' },
    annotations: stringMap,
    startsAt: instant,
    endsAt: { anyOf: [instant, { type: 'null' }], description: 'Null while the alert is firing.' },
    generatorURL: { type: ['string', 'null'] },
    receivedAt: { ...instant, description: 'When Sitrep received the notification.' },
    scope: {
      type: 'object',
      additionalProperties: false,
      required: ['label', 'value'],
      properties: {
        label: { type: 'string', description: 'The label the service was read from.' },
        value: { type: 'string', description: 'The service the alert is about.' },
        qualifiers: {
          ...stringMap,
          description: 'The other scope labels the alert carries (cluster, namespace); absent on older records.',
        },
      },
    },
    notification: {
      type: 'object',
      additionalProperties: false,
      required: ['groupKey', 'receiver', 'status', 'externalURL', 'groupLabels', 'truncatedAlerts'],
      properties: {
        groupKey: { type: 'string' },
        receiver: { type: 'string' },
        status: { enum: ['firing', 'resolved'] },
        externalURL: { type: 'string' },
        groupLabels: stringMap,
        truncatedAlerts: { type: 'integer', minimum: 0 },
        alertsWithKey: {
          type: 'integer',
          minimum: 1,
          description: 'How many alerts of the notification share this record key (absent on older records).',
        },
      },
    },
    condition: alertConditionJsonSchema(instant),
  },
} as const;
