import { z } from 'zod';
import {
  parseAlertmanagerWebhook,
  parseChangeRequest,
  type AlertmanagerWebhook,
  type AlertRecordV1,
  type ChangeRecordV1,
  type ChangeRequest,
} from '@sitrep/contracts';

/**
 * One recorded delivery, a line of a replay file: what Sitrep received and when.
 * `{"receivedAt": ISO-8601, "alertmanager": <webhook body>}` or `{"receivedAt": ..., "change": <change body>}`.
 */
export type Delivery =
  | { readonly receivedAt: Date; readonly alertmanager: AlertmanagerWebhook }
  | { readonly receivedAt: Date; readonly change: ChangeRequest };

export class DeliveryFileError extends Error {
  override readonly name = 'DeliveryFileError';

  constructor(
    readonly line: number,
    readonly field: string,
    detail: string,
  ) {
    super(`line ${line}: ${field}: ${detail}`);
  }
}

const envelope = z.union([
  z.strictObject({ receivedAt: z.iso.datetime({ offset: true }), alertmanager: z.unknown() }),
  z.strictObject({ receivedAt: z.iso.datetime({ offset: true }), change: z.unknown() }),
]);

/** Parses one line with the very parsers the HTTP endpoints use; errors name line and field. */
export function parseDeliveryLine(text: string, line: number): Delivery {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeliveryFileError(line, '(line)', `not JSON: ${(error as Error).message}`);
  }
  const outer = envelope.safeParse(json);
  if (!outer.success) {
    throw new DeliveryFileError(
      line,
      '(line)',
      'must be {"receivedAt": ..., "alertmanager": ...} or {"receivedAt": ..., "change": ...}',
    );
  }
  const receivedAt = new Date(outer.data.receivedAt);
  if ('alertmanager' in outer.data) {
    const parsed = parseAlertmanagerWebhook(outer.data.alertmanager);
    if (!parsed.ok)
      throw new DeliveryFileError(
        line,
        `alertmanager.${parsed.issues[0]?.path ?? ''}`,
        parsed.issues[0]?.message ?? '',
      );
    return { receivedAt, alertmanager: parsed.value };
  }
  const parsed = parseChangeRequest(outer.data.change);
  if (!parsed.ok)
    throw new DeliveryFileError(line, `change.${parsed.issues[0]?.path ?? ''}`, parsed.issues[0]?.message ?? '');
  return { receivedAt, change: parsed.value };
}

export function parseDeliveries(text: string): Delivery[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, number }) => parseDeliveryLine(line, number));
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

function commonLabels(records: readonly AlertRecordV1[]): Record<string, string> {
  const [first, ...rest] = records;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first.labels).filter(([name, value]) => rest.every((record) => record.labels[name] === value)),
  );
}

/**
 * The deliveries that produced these records, rebuilt: alert records of one notification share
 * their group key and receipt time. The result replays to the same records (same ids).
 */
export function deliveriesFromRecords(
  alerts: readonly AlertRecordV1[],
  changes: readonly ChangeRecordV1[],
): { receivedAt: string; alertmanager?: unknown; change?: unknown }[] {
  const notifications = new Map<string, AlertRecordV1[]>();
  for (const record of alerts) {
    const key = `${record.receivedAt}\u0000${record.notification.groupKey}\u0000${record.notification.receiver}`;
    notifications.set(key, [...(notifications.get(key) ?? []), record]);
  }
  const out: { receivedAt: string; alertmanager?: unknown; change?: unknown }[] = [];
  for (const records of notifications.values()) {
    const [first] = records;
    if (!first) continue;
    // Repeats of one alert within a notification were collapsed at ingest; keep one copy.
    const unique = [...new Map(records.map((record) => [record.id, record])).values()];
    out.push({
      receivedAt: first.receivedAt,
      alertmanager: {
        version: '4',
        groupKey: first.notification.groupKey,
        truncatedAlerts: first.notification.truncatedAlerts,
        status: first.notification.status,
        receiver: first.notification.receiver,
        groupLabels: first.notification.groupLabels,
        commonLabels: commonLabels(unique),
        commonAnnotations: {},
        externalURL: first.notification.externalURL,
        alerts: unique.map((record) => ({
          status: record.status,
          labels: record.labels,
          annotations: record.annotations,
          startsAt: record.startsAt,
          endsAt: record.endsAt ?? GO_ZERO_TIME,
          generatorURL: record.generatorURL ?? '',
          fingerprint: record.fingerprint,
        })),
      },
    });
  }
  for (const record of changes) {
    out.push({
      receivedAt: record.receivedAt,
      change: {
        id: record.id,
        service: record.service,
        kind: record.kind,
        summary: record.summary,
        at: record.at,
        labels: record.labels,
        ...(record.link === null ? {} : { link: record.link }),
      },
    });
  }
  return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}
