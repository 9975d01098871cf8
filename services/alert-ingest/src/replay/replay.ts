import type { Bus, IncomingMessage } from '@sitrep/bus';
import {
  parseAlertRecord,
  parseChangeRecord,
  topicNames,
  type AlertRecordV1,
  type ChangeRecordV1,
} from '@sitrep/contracts';
import {
  Correlator,
  alertScope,
  summariseIncidents,
  type CorrelationSettings,
  type IncidentEvent,
  type IncidentSummary,
} from '@sitrep/domain';
import { alertFromRecord, changeFromRecord } from '@sitrep/codec';
import { alertRecord, alertsFromWebhook, changeFromRequest, changeRecord, toMessage } from '../records.js';
import { deliveriesFromRecords, type Delivery } from './deliveries.js';

export interface ReplayOptions {
  readonly bus: Bus;
  readonly topicPrefix: string;
  readonly settings: CorrelationSettings;
  readonly scopeLabel: string;
}

export interface ReplayResult {
  readonly incidents: IncidentSummary[];
  readonly events: IncidentEvent[];
  readonly alertRecords: number;
  readonly changeRecords: number;
}

function readRecords<T>(
  messages: readonly IncomingMessage[],
  parse: (value: unknown) => { ok: true; value: T } | { ok: false },
): T[] {
  // Unreadable records are skipped, as the correlator dead-letters them.
  return messages.flatMap((message) => {
    let json: unknown;
    try {
      json = JSON.parse(message.value);
    } catch {
      return [];
    }
    const parsed = parse(json);
    return parsed.ok ? [parsed.value] : [];
  });
}

/**
 * Replays recorded deliveries at full speed: each goes through ingest's parse and record path
 * with its recorded receipt time as the clock, onto the bus; the records are read back and
 * correlated in receipt order, and pending quiet periods are let run out at the end (the stream
 * is over, nothing else will arrive). Same records in, same incidents and event ids out.
 */
export async function replay(deliveries: readonly Delivery[], options: ReplayOptions): Promise<ReplayResult> {
  const { bus, settings, scopeLabel } = options;
  const topics = topicNames(options.topicPrefix);
  await bus.start([
    { name: topics.alerts, partitions: 1, replicationFactor: -1 },
    { name: topics.changes, partitions: 1, replicationFactor: -1 },
  ]);
  for (const delivery of deliveries) {
    if ('alertmanager' in delivery) {
      const webhook = delivery.alertmanager;
      const alerts = alertsFromWebhook(webhook, delivery.receivedAt);
      await bus.publish(
        topics.alerts,
        alerts.map((alert) =>
          toMessage(
            settings.dependencies.component(alertScope(alert.labels, scopeLabel).value),
            alertRecord(alert, webhook, scopeLabel),
            {},
          ),
        ),
      );
    } else {
      const change = changeFromRequest(delivery.change, delivery.receivedAt);
      await bus.publish(topics.changes, [
        toMessage(settings.dependencies.component(change.service), changeRecord(change), {}),
      ]);
    }
  }

  const alerts = readRecords<AlertRecordV1>(await bus.readAll(topics.alerts), parseAlertRecord);
  const changes = readRecords<ChangeRecordV1>(await bus.readAll(topics.changes), parseChangeRecord);
  const stream = [
    ...alerts.map((record) => ({
      at: record.receivedAt,
      apply: (c: Correlator) => c.applyAlert(alertFromRecord(record)),
    })),
    ...changes.map((record) => ({
      at: record.receivedAt,
      apply: (c: Correlator) => c.applyChange(changeFromRecord(record)),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const correlator = new Correlator(settings);
  const events = stream.flatMap((item) => item.apply(correlator));
  for (let deadline = correlator.nextDeadline(); deadline !== null; deadline = correlator.nextDeadline()) {
    events.push(...correlator.tick(deadline));
  }
  return { incidents: summariseIncidents(events), events, alertRecords: alerts.length, changeRecords: changes.length };
}

/** The recorded deliveries behind the records on the alerts and changes topics, replay-file shaped. */
export async function exportDeliveries(bus: Bus, topicPrefix: string) {
  const topics = topicNames(topicPrefix);
  const alerts = readRecords<AlertRecordV1>(await bus.readAll(topics.alerts), parseAlertRecord);
  const changes = readRecords<ChangeRecordV1>(await bus.readAll(topics.changes), parseChangeRecord);
  return deliveriesFromRecords(alerts, changes);
}
