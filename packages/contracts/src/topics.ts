/** Default prefix of every Sitrep topic; `SITREP_TOPIC_PREFIX` changes it. */
export const DEFAULT_TOPIC_PREFIX = 'sitrep.';

export interface TopicNames {
  /** Normalised alert records (AlertRecordV1), keyed by scope. */
  readonly alerts: string;
  /** Change events (ChangeRecordV1), keyed by service. */
  readonly changes: string;
  /** Incident events (IncidentEventRecordV1), keyed by incident id. */
  readonly incidents: string;
  /** People's timeline entries (TimelineEntryRecordV1), keyed by incident id. */
  readonly entries: string;
  /** Records a consumer (correlator, recorder) could not read, with the reason in headers. */
  readonly deadLetter: string;
}

/** The major version is part of the name: a breaking change gets a new topic, old readers keep working. */
export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX): TopicNames {
  return {
    alerts: `${prefix}alerts.v1`,
    changes: `${prefix}changes.v1`,
    incidents: `${prefix}incidents.v1`,
    entries: `${prefix}timeline-entries.v1`,
    deadLetter: `${prefix}dead-letter.v1`,
  };
}

/** Kafka header names Sitrep writes. Trace context goes in the W3C `traceparent`/`tracestate`. */
export const HEADERS = {
  /** The record's stable id: the alert occurrence id or the change id. De-duplicate on it. */
  id: 'sitrep-id',
  /** The schema name and version of the value, e.g. `sitrep.alert.v1`. */
  schema: 'sitrep-schema',
  contentType: 'content-type',
} as const;
