import { ALERT_CONDITION_SOURCES } from './alert-condition.js';
import type { IncidentEventRecordV1 } from './incident-event-record.js';
import { isObject, isRecordInstant, labelSet, positiveInteger, type Json, UNSURE } from './record-checks.js';

// The schema's instants and labels accept more than these (any range, any string); what these
// refuse the schema then reads, so stricter is only slower, never different.
const instant = isRecordInstant;
const labels = labelSet;

/*
 * The well-formed case of an incident event record, as the correlator writes it, checked by
 * hand: the recorder reads every event once per apply and again on rebuilds, and the schema's
 * zod parse was a sixth of its apply time. Anything not plainly well formed (an unknown enum value
 * the schema would map to its fallback, an instant outside toISOString's form, a type this
 * version does not know) is UNSURE and left to the schema. Held to the schema's exact output by
 * codec's incident-events.test.ts.
 */

const SCHEMA = 'sitrep.incident-event.v1';
const EVENT_ID = /^[0-9a-f]{32}$/;
const SEVERITIES = new Set<unknown>(['critical', 'warning', 'info']);
const SIGNALS = new Set<unknown>(['error_rate', 'latency', 'load_imbalance', 'saturation', 'availability', 'other']);
const HINT_SIGNALS = new Set<unknown>([...SIGNALS, 'change']);
const REASONS = new Set<unknown>(['resolved', 'replaced', 'not_in_group', 'stale']);
const SOURCES = new Set<unknown>(ALERT_CONDITION_SOURCES);

const text = (value: unknown): value is string => typeof value === 'string';
const textOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

type Data = IncidentEventRecordV1['data'];

function alertOf(alert: unknown): Json | undefined {
  if (!isObject(alert)) return UNSURE;
  const { condition } = alert;
  const alertLabels = labels(alert.labels);
  const annotations = labels(alert.annotations);
  const value = alert.value;
  if (
    !text(alert.alertId) ||
    !text(alert.fingerprint) ||
    !text(alert.alertname) ||
    !SIGNALS.has(alert.signal) ||
    !text(alert.service) ||
    !SEVERITIES.has(alert.severity) ||
    alertLabels === UNSURE ||
    annotations === UNSURE ||
    !instant(alert.startsAt) ||
    !instant(alert.receivedAt) ||
    !(value === null || (typeof value === 'number' && Number.isFinite(value))) ||
    !textOrNull(alert.generatorURL) ||
    !(condition === undefined || (isObject(condition) && instant(condition.since) && SOURCES.has(condition.source)))
  ) {
    return UNSURE;
  }
  return {
    alertId: alert.alertId,
    fingerprint: alert.fingerprint,
    alertname: alert.alertname,
    signal: alert.signal,
    service: alert.service,
    severity: alert.severity,
    labels: alertLabels,
    annotations,
    startsAt: alert.startsAt,
    receivedAt: alert.receivedAt,
    value,
    generatorURL: alert.generatorURL,
    ...(condition === undefined ? {} : { condition: { since: condition.since, source: condition.source } }),
  };
}

function hintOf(hint: unknown): Json | undefined {
  if (
    !isObject(hint) ||
    !positiveInteger(hint.rank) ||
    !HINT_SIGNALS.has(hint.signal) ||
    !text(hint.service) ||
    !instant(hint.since) ||
    !text(hint.reason) ||
    !(hint.changeId === undefined || text(hint.changeId))
  ) {
    return UNSURE;
  }
  return {
    rank: hint.rank,
    signal: hint.signal,
    service: hint.service,
    since: hint.since,
    reason: hint.reason,
    ...(hint.changeId === undefined ? {} : { changeId: hint.changeId }),
  };
}

/** The data of a known event type, as the schema outputs it, or UNSURE. */
function dataOf(type: unknown, data: Json): Json | undefined {
  switch (type) {
    case 'incident.opened':
      return text(data.scope) &&
        text(data.service) &&
        SEVERITIES.has(data.severity) &&
        instant(data.startedAt) &&
        instant(data.detectedAt)
        ? {
            scope: data.scope,
            service: data.service,
            severity: data.severity,
            startedAt: data.startedAt,
            detectedAt: data.detectedAt,
          }
        : UNSURE;
    case 'incident.alert_attached': {
      const alert = alertOf(data.alert);
      return alert === UNSURE ? UNSURE : { alert };
    }
    case 'incident.alert_resolved':
      return text(data.alertId) &&
        text(data.fingerprint) &&
        instant(data.endsAt) &&
        instant(data.receivedAt) &&
        (data.reason === undefined || REASONS.has(data.reason))
        ? {
            alertId: data.alertId,
            fingerprint: data.fingerprint,
            endsAt: data.endsAt,
            receivedAt: data.receivedAt,
            ...(data.reason === undefined ? {} : { reason: data.reason }),
          }
        : UNSURE;
    case 'incident.change_attached': {
      const change = data.change;
      return isObject(change) &&
        text(change.changeId) &&
        text(change.service) &&
        text(change.kind) &&
        text(change.summary) &&
        instant(change.at) &&
        textOrNull(change.link)
        ? {
            change: {
              changeId: change.changeId,
              service: change.service,
              kind: change.kind,
              summary: change.summary,
              at: change.at,
              link: change.link,
            },
          }
        : UNSURE;
    }
    case 'incident.severity_changed':
      return SEVERITIES.has(data.from) && SEVERITIES.has(data.to) ? { from: data.from, to: data.to } : UNSURE;
    case 'incident.cause_ranked': {
      if (!Array.isArray(data.hints)) return UNSURE;
      const hints: Json[] = [];
      for (const hint of data.hints as unknown[]) {
        const checked = hintOf(hint);
        if (checked === UNSURE) return UNSURE;
        hints.push(checked);
      }
      return { hints };
    }
    case 'incident.resolving':
      return instant(data.resolvesAt) ? { resolvesAt: data.resolvesAt } : UNSURE;
    case 'incident.resolved':
      return instant(data.resolvedAt) ? { resolvedAt: data.resolvedAt } : UNSURE;
    case 'incident.reopened':
      return text(data.byAlertFingerprint) ? { byAlertFingerprint: data.byAlertFingerprint } : UNSURE;
    default:
      return UNSURE;
  }
}

/** The record as incidentEventRecordSchema outputs it, or UNSURE. */
export function wellFormedIncidentEventRecord(value: unknown): IncidentEventRecordV1 | undefined {
  if (
    !isObject(value) ||
    value.schema !== SCHEMA ||
    !text(value.id) ||
    !EVENT_ID.test(value.id) ||
    !text(value.incidentId) ||
    value.incidentId === '' ||
    !positiveInteger(value.sequence) ||
    !instant(value.occurredAt) ||
    !isObject(value.data)
  ) {
    return UNSURE;
  }
  const data = dataOf(value.type, value.data);
  if (data === UNSURE) return UNSURE;
  return {
    schema: SCHEMA,
    id: value.id,
    incidentId: value.incidentId,
    sequence: value.sequence,
    occurredAt: value.occurredAt,
    type: value.type,
    data: data as Data,
  } as IncidentEventRecordV1;
}
