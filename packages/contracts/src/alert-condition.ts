import { z } from 'zod';

/**
 * How ingest learned when an alert's condition first held: the alert Prometheus listed as
 * active, with its activeAt (`prometheus_active`); startsAt minus the rule's `for:` as Prometheus
 * reported it (`prometheus_rule`); startsAt minus the correlation file's `alert_for`
 * (`correlation_file`).
 */
export const ALERT_CONDITION_SOURCES = ['prometheus_active', 'prometheus_rule', 'correlation_file'] as const;
export type AlertConditionSource = (typeof ALERT_CONDITION_SOURCES)[number];

/**
 * Where the recorder's impact start came from (`impactStartSource` of an incident): an alert's
 * startsAt (nothing better known), a condition source above, or a person's impact_started entry.
 */
export const IMPACT_START_SOURCES = ['alert_startsAt', ...ALERT_CONDITION_SOURCES, 'person'] as const;

/** On a record: `since` (an instant, not after startsAt) and `source`. */
export interface AlertConditionV1 {
  readonly since: string;
  readonly source: AlertConditionSource;
}

const KNOWN_SOURCES = new Set<string>(ALERT_CONDITION_SOURCES);

const hasUnknownSource = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { source?: unknown }).source === 'string' &&
  !KNOWN_SOURCES.has((value as { source: string }).source);

/**
 * The optional `condition` of a record, read with `instant` as the record's other instants are.
 * A source this version does not know (a newer ingest wrote it during a rolling upgrade) reads as
 * no condition: the alert then counts from its startsAt, as before the field existed, instead of
 * the whole record being refused.
 */
export function alertConditionSchema(instant: z.ZodType<string>) {
  return z.preprocess(
    (value) => (hasUnknownSource(value) ? undefined : value),
    z.object({ since: instant, source: z.enum(ALERT_CONDITION_SOURCES) }).optional(),
  );
}

/** JSON Schema (2020-12) of the condition object, given the record's instant schema. */
export function alertConditionJsonSchema<I extends object>(instant: I) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['since', 'source'],
    description:
      "When the alert's condition first held: Prometheus sets startsAt once the rule's `for:` has passed. Absent when unknown, and on older records.",
    properties: {
      since: { ...instant, description: 'Not after startsAt.' },
      source: {
        enum: ALERT_CONDITION_SOURCES,
        description:
          "prometheus_active: the activeAt of the alert Prometheus listed; prometheus_rule: startsAt minus the rule's for as Prometheus reported it; correlation_file: startsAt minus the correlation file's alert_for.",
      },
    },
  } as const;
}
