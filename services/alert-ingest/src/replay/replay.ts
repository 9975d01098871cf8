import type { Bus, IncomingMessage } from '@sitrep/bus';
import {
  ALERT_RECORD_SCHEMA_NAME,
  CHANGE_RECORD_SCHEMA_NAME,
  parseAlertRecord,
  parseChangeRecord,
  topicNames,
  type AlertRecordV1,
  type ChangeRecordV1,
} from '@sitrep/contracts';
import {
  Correlator,
  summariseIncidents,
  type CorrelationSettings,
  type IncidentEvent,
  type IncidentSummary,
} from '@sitrep/domain';
import {
  alertFromRecord,
  alertMessages,
  alertsFromWebhook,
  changeFromRecord,
  changeFromRequest,
  changeMessage,
  readRecord,
  type ReadResult,
} from '@sitrep/codec';
import { conditionLookup } from '../condition/condition-lookup.js';
import { deliveriesFromRecords, type Delivery } from './deliveries.js';

export interface ReplayOptions {
  readonly bus: Bus;
  readonly topicPrefix: string;
  readonly settings: CorrelationSettings;
}

export interface ReplayResult {
  readonly incidents: IncidentSummary[];
  readonly events: IncidentEvent[];
  readonly alertRecords: number;
  readonly changeRecords: number;
}

/** The readable records of a topic; the others are skipped, as the correlator dead-letters them. */
function readable<T>(messages: readonly IncomingMessage[], read: (message: IncomingMessage) => ReadResult<T>): T[] {
  return messages.flatMap((message) => {
    const result = read(message);
    return result.ok ? [result.value] : [];
  });
}

const readAlertRecord = (message: IncomingMessage) => readRecord(message, ALERT_RECORD_SCHEMA_NAME, parseAlertRecord);
const readChangeRecord = (message: IncomingMessage) =>
  readRecord(message, CHANGE_RECORD_SCHEMA_NAME, parseChangeRecord);

/**
 * The alert records with the time they take their place in the stream at: their receipt time,
 * but never before a record of the same key written earlier. A live correlator reads each key in
 * the order the records were written, and a record can be written after one received later (a
 * publish that timed out, so the sender retried, then landed after the retry): ordering by
 * receipt time alone would correlate that pair the other way round, under other incident ids.
 */
function inKeyOrder(messages: readonly IncomingMessage[]): { at: string; record: AlertRecordV1 }[] {
  const latest = new Map<string, string>();
  return messages.flatMap((message) => {
    const read = readAlertRecord(message);
    if (!read.ok) return [];
    const key = message.key ?? '';
    const previous = latest.get(key);
    const at = previous !== undefined && previous > read.value.receivedAt ? previous : read.value.receivedAt;
    latest.set(key, at);
    return [{ at, record: read.value }];
  });
}

/** The topics replay() creates under a prefix: a caller that made them up deletes these afterwards. */
export function replayTopics(topicPrefix: string): string[] {
  const topics = topicNames(topicPrefix);
  return [topics.alerts, topics.changes];
}

/**
 * Replays recorded deliveries at full speed: each goes through ingest's parse and record path
 * with its recorded receipt time as the clock, onto the bus; the records are read back and
 * correlated in receipt order, and what follows from them is let run out at the end (the stream
 * is over, nothing else will arrive). Same records in, same incidents and event ids out.
 */
export async function replay(deliveries: readonly Delivery[], options: ReplayOptions): Promise<ReplayResult> {
  const { bus, settings } = options;
  const topics = topicNames(options.topicPrefix);
  const conditions = conditionLookup({ alertForMs: settings.alertForMs });
  await bus.start(replayTopics(options.topicPrefix).map((name) => ({ name, partitions: 1, replicationFactor: -1 })));
  for (const delivery of deliveries) {
    if ('alertmanager' in delivery) {
      const webhook = delivery.alertmanager;
      // No Prometheus to ask about a recorded stream: the correlation file's alert_for only.
      const alerts = alertsFromWebhook(webhook, delivery.receivedAt, settings, conditions);
      await bus.publish(topics.alerts, alertMessages(alerts, webhook, settings, {}));
    } else {
      const change = changeFromRequest(delivery.change, delivery.receivedAt);
      await bus.publish(topics.changes, [changeMessage(change, settings, {})]);
    }
  }

  const alertMessagesRead = await bus.readAll(topics.alerts);
  const alerts: AlertRecordV1[] = readable(alertMessagesRead, readAlertRecord);
  const changes: ChangeRecordV1[] = readable(await bus.readAll(topics.changes), readChangeRecord);
  const stream = [
    ...inKeyOrder(alertMessagesRead).map(({ at, record }) => ({
      at,
      apply: (c: Correlator) => c.applyAlert(alertFromRecord(record)),
    })),
    ...changes.map((record) => ({
      at: record.receivedAt,
      apply: (c: Correlator) => c.applyChange(changeFromRecord(record)),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const correlator = new Correlator(settings);
  const events = stream.flatMap((item) => item.apply(correlator));
  events.push(...correlator.finish());
  return { incidents: summariseIncidents(events), events, alertRecords: alerts.length, changeRecords: changes.length };
}

/** The recorded deliveries behind the records on the alerts and changes topics, replay-file shaped. */
export async function exportDeliveries(bus: Bus, topicPrefix: string) {
  const topics = topicNames(topicPrefix);
  const alerts = readable(await bus.readAll(topics.alerts), readAlertRecord);
  const changes = readable(await bus.readAll(topics.changes), readChangeRecord);
  return deliveriesFromRecords(alerts, changes);
}
