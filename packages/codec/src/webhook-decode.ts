import {
  calendarValid,
  isObject,
  labelSet,
  storable,
  UNSURE,
  isGoZeroTime,
  parseAlertmanagerWebhook,
  type AlertmanagerWebhook,
  type ParseResult,
  type WebhookAlert,
} from '@sitrep/contracts';

/**
 * Alertmanager's webhook body as the contract's schema reads it, fast. The schema (zod, in
 * @sitrep/contracts) stays the one definition and the one source of error messages: this is a
 * hand-written check of the well-formed case only, which gives exactly the schema's output, and
 * at the first thing it is not sure of (any problem, a `__proto__` label, a non-ASCII
 * timestamp...) it leaves the body to the schema. So a 4xx names the field as before; a valid
 * body skips the schema's per-field closures and per-timestamp regex transforms. The property
 * test (webhook-decode.test.ts) holds the two to the same output.
 */
export function decodeAlertmanagerWebhook(body: unknown): ParseResult<AlertmanagerWebhook> {
  const fast = wellFormedWebhook(body);
  return fast === undefined ? parseAlertmanagerWebhook(body) : { ok: true, value: fast };
}

/** Optional label set with the schema's default. */
function labelSetOrEmpty(value: unknown): Record<string, string> | undefined {
  return value === undefined ? {} : labelSet(value);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const LATEST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** What Alertmanager sends as endsAt while an alert fires, every time: checked once. */
const GO_ZERO_TEXT = '0001-01-01T00:00:00Z';
const GO_ZERO = new Date(GO_ZERO_TEXT);

function instant(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return UNSURE;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !calendarValid(value)) return UNSURE;
  return date;
}

function storableInstant(value: unknown): Date | undefined {
  const date = instant(value);
  if (date === undefined) return UNSURE;
  const time = date.getTime();
  return time >= 0 && time <= LATEST_INSTANT ? date : UNSURE;
}

function endsAt(value: unknown): Date | undefined {
  if (value === GO_ZERO_TEXT) return new Date(GO_ZERO.getTime());
  const date = instant(value);
  if (date === undefined) return UNSURE;
  const time = date.getTime();
  return isGoZeroTime(date) || (time >= 0 && time <= LATEST_INSTANT) ? date : UNSURE;
}

const isStatus = (value: unknown): value is 'firing' | 'resolved' => value === 'firing' || value === 'resolved';

function fastAlert(value: unknown): WebhookAlert | undefined {
  if (!isObject(value) || !isStatus(value.status)) return UNSURE;
  const labels = labelSet(value.labels);
  if (labels === undefined || Object.keys(labels).length === 0) return UNSURE;
  const annotations = labelSetOrEmpty(value.annotations);
  if (annotations === undefined) return UNSURE;
  const startsAt = storableInstant(value.startsAt);
  if (startsAt === undefined) return UNSURE;
  let ends: Date | undefined;
  if (value.endsAt !== undefined) {
    ends = endsAt(value.endsAt);
    if (ends === undefined) return UNSURE;
  }
  const generatorURL = value.generatorURL === undefined ? '' : value.generatorURL;
  if (!storable(generatorURL)) return UNSURE;
  const { fingerprint } = value;
  if (fingerprint !== undefined && (!storable(fingerprint) || fingerprint.length < 1 || fingerprint.length > 128)) {
    return UNSURE;
  }
  // The schema's key order; optional keys only when given.
  return {
    status: value.status,
    labels,
    annotations,
    startsAt,
    ...(ends === undefined ? {} : { endsAt: ends }),
    generatorURL,
    ...(fingerprint === undefined ? {} : { fingerprint }),
  };
}

/** The well-formed case alone: the value, or undefined when the schema must decide. */
export function wellFormedWebhook(body: unknown): AlertmanagerWebhook | undefined {
  if (!isObject(body) || body.version !== '4' || !isStatus(body.status)) return UNSURE;
  const { groupKey, receiver } = body;
  if (!storable(groupKey) || !storable(receiver)) return UNSURE;
  const truncatedAlerts = body.truncatedAlerts === undefined ? 0 : body.truncatedAlerts;
  if (typeof truncatedAlerts !== 'number' || !Number.isSafeInteger(truncatedAlerts) || truncatedAlerts < 0) {
    return UNSURE;
  }
  const groupLabels = labelSetOrEmpty(body.groupLabels);
  const commonLabels = labelSetOrEmpty(body.commonLabels);
  const commonAnnotations = labelSetOrEmpty(body.commonAnnotations);
  if (groupLabels === undefined || commonLabels === undefined || commonAnnotations === undefined) return UNSURE;
  const externalURL = body.externalURL === undefined ? '' : body.externalURL;
  if (!storable(externalURL) || !Array.isArray(body.alerts)) return UNSURE;
  const alerts: WebhookAlert[] = [];
  for (const item of body.alerts as unknown[]) {
    const alert = fastAlert(item);
    if (alert === undefined) return UNSURE;
    alerts.push(alert);
  }
  return {
    version: '4',
    groupKey,
    truncatedAlerts,
    status: body.status,
    receiver,
    groupLabels,
    commonLabels,
    commonAnnotations,
    externalURL,
    alerts,
  };
}
