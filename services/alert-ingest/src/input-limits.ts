import { formatPath, type AlertmanagerWebhook, type ChangeRequest } from '@sitrep/contracts';
import { ApiError, invalidPayload, type FieldProblem } from '@sitrep/http';

/**
 * What one request may hold. Defaults sit far above anything a real Alertmanager sends (Mimir
 * and Loki refuse label names over 1 KiB and values over 2 KiB at ingestion; Alertmanager adds
 * no limits of its own) and far below what would let one request stall or flood the process.
 * Nothing is ever truncated: a request over a limit is refused, naming the limit and the field.
 */
export interface InputLimits {
  /** Label and annotation names, in UTF-8 bytes. */
  readonly labelNameBytes: number;
  /** Label values (alert labels, group and common labels, change labels), in UTF-8 bytes. */
  readonly labelValueBytes: number;
  /** Entries of one label or annotation set. */
  readonly labelsPerSet: number;
  /** Annotation values and the other free text (groupKey, receiver, URLs), in UTF-8 bytes. */
  readonly annotationBytes: number;
  /** Alerts in one notification. */
  readonly alertsPerNotification: number;
  /** All the records one request publishes, in bytes as the bus counts them. */
  readonly publishBytes: number;
  /** One record, and one produce request: the bus's largest message (Kafka's max.message.bytes). */
  readonly messageBytes: number;
  /** How far after its receipt an alert's startsAt (or a resolved alert's endsAt) may be. */
  readonly alertSkewMs: number;
}

/** The variable each limit is read from, named in every refusal. */
export const LIMIT_VARIABLES = {
  labelNameBytes: 'SITREP_INGEST_MAX_LABEL_NAME_BYTES',
  labelValueBytes: 'SITREP_INGEST_MAX_LABEL_VALUE_BYTES',
  labelsPerSet: 'SITREP_INGEST_MAX_LABELS',
  annotationBytes: 'SITREP_INGEST_MAX_ANNOTATION_BYTES',
  alertsPerNotification: 'SITREP_INGEST_MAX_ALERTS',
  publishBytes: 'SITREP_INGEST_MAX_PUBLISH_BYTES',
  messageBytes: 'SITREP_BUS_MAX_MESSAGE_BYTES',
  alertSkewMs: 'SITREP_ALERT_MAX_SKEW_MS',
} as const satisfies Record<keyof InputLimits, string>;

const KIB = 1024;

export const DEFAULT_INPUT_LIMITS: InputLimits = Object.freeze({
  labelNameBytes: KIB,
  labelValueBytes: 16 * KIB,
  labelsPerSet: 256,
  annotationBytes: 64 * KIB,
  alertsPerNotification: 10_000,
  publishBytes: 16 * KIB * KIB,
  // Kafka's default max.message.bytes is 1 MiB plus 12 bytes of framing.
  messageBytes: KIB * KIB,
  alertSkewMs: 5 * 60_000,
});

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function overLimit(path: readonly PropertyKey[], actual: number, limit: keyof InputLimits, limits: InputLimits) {
  const unit = limit === 'labelsPerSet' ? 'entries' : 'bytes';
  return {
    field: formatPath(path),
    message: `is ${actual} ${unit}, over the limit of ${limits[limit]} (${LIMIT_VARIABLES[limit]})`,
  };
}

function textProblems(
  path: readonly PropertyKey[],
  text: string,
  limit: 'annotationBytes',
  limits: InputLimits,
): FieldProblem[] {
  const bytes = utf8Bytes(text);
  return bytes > limits[limit] ? [overLimit(path, bytes, limit, limits)] : [];
}

/** A label or annotation set: how many entries, and each name's and value's size. */
function labelSetProblems(
  path: readonly PropertyKey[],
  set: Readonly<Record<string, string>>,
  valueLimit: 'labelValueBytes' | 'annotationBytes',
  limits: InputLimits,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const names = Object.keys(set);
  if (names.length > limits.labelsPerSet) problems.push(overLimit(path, names.length, 'labelsPerSet', limits));
  for (const name of names) {
    const nameBytes = utf8Bytes(name);
    if (nameBytes > limits.labelNameBytes)
      problems.push(overLimit([...path, name], nameBytes, 'labelNameBytes', limits));
    const valueBytes = utf8Bytes(set[name] ?? '');
    if (valueBytes > limits[valueLimit]) problems.push(overLimit([...path, name], valueBytes, valueLimit, limits));
  }
  return problems;
}

function futureProblem(path: readonly PropertyKey[], instant: Date, receivedAt: Date, limits: InputLimits) {
  const ahead = instant.getTime() - receivedAt.getTime();
  if (ahead <= limits.alertSkewMs) return [];
  return [
    {
      field: formatPath(path),
      message: `is ${ahead} ms after its receipt, beyond the allowed clock skew of ${limits.alertSkewMs} ms (${LIMIT_VARIABLES.alertSkewMs})`,
    },
  ];
}

/**
 * 413 when the raw body lists more alerts than a notification may hold, checked before the
 * schema so that a body of 75,000 empty alerts costs no more than counting them.
 */
export function tooManyAlerts(body: unknown, limits: InputLimits): ApiError | undefined {
  const alerts = typeof body === 'object' && body !== null ? (body as { alerts?: unknown }).alerts : undefined;
  if (!Array.isArray(alerts) || alerts.length <= limits.alertsPerNotification) return undefined;
  const problem = {
    field: 'alerts',
    message: `has ${alerts.length} alerts, over the limit of ${limits.alertsPerNotification} (${LIMIT_VARIABLES.alertsPerNotification}); lower max_alerts on the receiver`,
  };
  return new ApiError('payload_too_large', `the notification has too many alerts: ${problem.message}`, {
    details: [problem],
  });
}

/**
 * Every limit a parsed notification breaks, and every alert dated in the future (an alert dated
 * 9999 would head the incident list forever): a 400 naming each field, or undefined.
 */
export function webhookProblems(
  webhook: AlertmanagerWebhook,
  receivedAt: Date,
  limits: InputLimits,
): ApiError | undefined {
  const problems: FieldProblem[] = [
    ...textProblems(['groupKey'], webhook.groupKey, 'annotationBytes', limits),
    ...textProblems(['receiver'], webhook.receiver, 'annotationBytes', limits),
    ...textProblems(['externalURL'], webhook.externalURL, 'annotationBytes', limits),
    ...labelSetProblems(['groupLabels'], webhook.groupLabels, 'labelValueBytes', limits),
    ...labelSetProblems(['commonLabels'], webhook.commonLabels, 'labelValueBytes', limits),
    ...labelSetProblems(['commonAnnotations'], webhook.commonAnnotations, 'annotationBytes', limits),
  ];
  webhook.alerts.forEach((alert, index) => {
    const at = (field: string): PropertyKey[] => ['alerts', index, field];
    problems.push(
      ...labelSetProblems(at('labels'), alert.labels, 'labelValueBytes', limits),
      ...labelSetProblems(at('annotations'), alert.annotations, 'annotationBytes', limits),
      ...textProblems(at('generatorURL'), alert.generatorURL, 'annotationBytes', limits),
      ...futureProblem(at('startsAt'), alert.startsAt, receivedAt, limits),
      // Alertmanager sends a resolved alert's endsAt as when it resolved, never later; a
      // firing alert's is Go's zero time.
      ...(alert.status === 'resolved' && alert.endsAt
        ? futureProblem(at('endsAt'), alert.endsAt, receivedAt, limits)
        : []),
    );
  });
  return problems.length > 0 ? invalidPayload(problems) : undefined;
}

/** Every limit a parsed change breaks: a 400 naming each field, or undefined. */
export function changeProblems(change: ChangeRequest, limits: InputLimits): ApiError | undefined {
  const problems = [
    ...labelSetProblems(['labels'], change.labels, 'labelValueBytes', limits),
    ...(change.link === undefined ? [] : textProblems(['link'], change.link, 'annotationBytes', limits)),
  ];
  return problems.length > 0 ? invalidPayload(problems) : undefined;
}
