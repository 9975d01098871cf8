/** Default prefix of every Sitrep topic; `SITREP_TOPIC_PREFIX` changes it. */
export const DEFAULT_TOPIC_PREFIX = 'sitrep.';

export interface TopicNames {
  /**
   * Normalised alert records (AlertRecordV1), keyed by the dependency component of the alert's
   * service: every service linked through the dependency map shares one key (the alphabetically
   * first of them), so alerts that may join one incident reach one partition and one correlator.
   */
  readonly alerts: string;
  /** Change events (ChangeRecordV1), keyed like alerts: by the dependency component of their service. */
  readonly changes: string;
  /** Incident events (IncidentEventRecordV1), keyed by incident id. */
  readonly incidents: string;
  /** People's timeline entries (TimelineEntryRecordV1), keyed by incident id. */
  readonly entries: string;
  /** Records a consumer (correlator, recorder) could not read, with the reason in headers. */
  readonly deadLetter: string;
  /**
   * The correlator's state per alerts partition as one snapshot (CorrelatorStateRecordV1),
   * compacted; written by releases before the state came in parts, now only read once to upgrade.
   */
  readonly correlatorState: string;
  /**
   * The correlator's state in parts (CorrelatorStatePartRecordV2), compacted, with as many
   * partitions as the alerts topic: alerts partition n's parts are on its partition n. Sitrep's own.
   */
  readonly correlatorStateParts: string;
}

/** The major version is part of the name: a breaking change gets a new topic, old readers keep working. */
export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX): TopicNames {
  return {
    alerts: `${prefix}alerts.v1`,
    changes: `${prefix}changes.v1`,
    incidents: `${prefix}incidents.v1`,
    entries: `${prefix}timeline-entries.v1`,
    deadLetter: `${prefix}dead-letter.v1`,
    correlatorState: `${prefix}correlator-state.v1`,
    correlatorStateParts: `${prefix}correlator-state.v2`,
  };
}

/** Kafka header names Sitrep writes. Trace context goes in the W3C `traceparent`/`tracestate`. */
export const HEADERS = {
  /** The record's stable id (alert occurrence, change, event or entry id). De-duplicate on it. */
  id: 'sitrep-id',
  /** The schema name and version of the value, e.g. `sitrep.alert.v1`. */
  schema: 'sitrep-schema',
  contentType: 'content-type',
  /** On incident events: the event's type, so a reader can skip types without parsing the value. */
  eventType: 'sitrep-event-type',
} as const;
