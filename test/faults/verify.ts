import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliveriesFromRecords, parseCorrelationConfig, parseDeliveries, replay } from '@sitrep/alert-ingest';
import { EmbeddedBus, KafkaBus, type IncomingMessage } from '@sitrep/bus';
import { incidentEventRecord } from '@sitrep/codec';
import { HEADERS, parseAlertRecord, type AlertRecordV1 } from '@sitrep/contracts';
import { openIncidentStore } from '@sitrep/store';
import { createLogger } from '@sitrep/telemetry';
import type { Topology } from './topology.js';

/** JSON with every object's keys sorted: two encodings of one record compare equal. */
export function canonicalJson(value: unknown): string {
  const sorted = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item === null || typeof item !== 'object') return item;
    return Object.fromEntries(
      Object.entries(item)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => [key, sorted(entry)]),
    );
  };
  return JSON.stringify(sorted(value));
}

const quietLogger = () => createLogger({ level: 'error', write: (line) => process.stderr.write(`${line}\n`) });

export interface ListedIncident {
  readonly id: string;
  readonly status: string;
  readonly services: string[];
}

export async function recorderApi<T>(topology: Topology, path: string): Promise<T> {
  const response = await fetch(`${topology.recorder.url}${path}`, {
    headers: { authorization: `Bearer ${topology.apiToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every incident the recorder lists, all pages. */
export async function listIncidents(topology: Topology): Promise<ListedIncident[]> {
  const incidents: ListedIncident[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/api/v1/incidents?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { incidents: ListedIncident[]; nextCursor: string | null } = await recorderApi(topology, query);
    incidents.push(...page.incidents);
    cursor = page.nextCursor;
  } while (cursor);
  return incidents;
}

/** The recorder's gauge of events stored but not applied (one before them has not arrived). */
export async function waitingEventsGauge(topology: Topology): Promise<number> {
  const text = await (await fetch(`${topology.recorder.url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith('sitrep_recorder_waiting_events'));
  if (line === undefined) throw new Error('no sitrep_recorder_waiting_events on the recorder /metrics');
  return Number(line.split(' ').pop());
}

export interface StoredAlerts {
  /** Per incident id: the alert ids attached, and those of them resolved. */
  readonly attached: Map<string, Set<string>>;
  readonly resolved: Map<string, Set<string>>;
  readonly waiting: number;
}

/** What PostgreSQL holds, read directly: the recorder's API reports incidents, not alert ids. */
export async function storedAlerts(topology: Topology, incidentIds: readonly string[]): Promise<StoredAlerts> {
  const store = openIncidentStore({ kind: 'postgres', url: topology.databaseUrl });
  try {
    const attached = new Map<string, Set<string>>();
    const resolved = new Map<string, Set<string>>();
    for (const id of incidentIds) {
      attached.set(id, new Set());
      resolved.set(id, new Set());
      for (const event of await store.events(id)) {
        const record = JSON.parse(event.payload) as { data: { alert?: { alertId: string }; alertId?: string } };
        if (event.type === 'incident.alert_attached' && record.data.alert)
          attached.get(id)?.add(record.data.alert.alertId);
        if (event.type === 'incident.alert_resolved' && record.data.alertId) resolved.get(id)?.add(record.data.alertId);
      }
    }
    return { attached, resolved, waiting: (await store.waitingEvents()).count };
  } finally {
    await store.close();
  }
}

export interface TopicContents {
  readonly alertIds: Set<string>;
  readonly alertRecords: AlertRecordV1[];
  /** Where each alert record sits on the topic, in the same order as alertRecords. */
  readonly alertPositions: { partition: number; offset: string }[];
  /** Incident events by id, as canonical JSON; an id seen with two payloads is in `conflicts`. */
  readonly events: Map<string, string>;
  readonly conflicts: string[];
  readonly deadLetters: IncomingMessage[];
}

/** Everything on the alerts, incidents and dead-letter topics, read through Sitrep's own Kafka adapter. */
export async function readTopics(topology: Topology): Promise<TopicContents> {
  const bus = new KafkaBus({
    brokers: topology.cluster.bootstrap.split(','),
    clientId: 'sitrep-faults-check',
    publishTimeoutMs: 10_000,
    logger: quietLogger(),
  });
  try {
    await bus.start([]);
    const alerts = await bus.readAll(topology.topics.alerts);
    const alertRecords: AlertRecordV1[] = [];
    for (const message of alerts) {
      const parsed = parseAlertRecord(JSON.parse(message.value));
      if (!parsed.ok) throw new Error(`unreadable alert record at ${message.partition}/${message.offset}`);
      alertRecords.push(parsed.value);
    }
    const events = new Map<string, string>();
    const conflicts: string[] = [];
    for (const message of await bus.readAll(topology.topics.incidents)) {
      const id = message.headers[HEADERS.id] ?? '';
      const canonical = canonicalJson(JSON.parse(message.value));
      const known = events.get(id);
      if (known !== undefined && known !== canonical) conflicts.push(`${id}: ${known} <> ${canonical}`);
      events.set(id, canonical);
    }
    return {
      alertIds: new Set(alertRecords.map((record) => record.id)),
      alertRecords,
      alertPositions: alerts.map((message) => ({ partition: message.partition, offset: message.offset })),
      events,
      conflicts,
      deadLetters: await bus.readAll(topology.topics.deadLetter),
    };
  } finally {
    await bus.close();
  }
}

/**
 * The alerts topic replayed offline (`sitrep export` then `sitrep replay`, on an embedded bus of
 * its own): the incident events, by id, as canonical JSON records.
 */
export async function replayOffline(
  topology: Topology,
  alertRecords: readonly AlertRecordV1[],
): Promise<Map<string, string>> {
  const settings = parseCorrelationConfig(readFileSync(topology.correlationFile, 'utf8'), topology.correlationFile);
  const exported = deliveriesFromRecords(alertRecords, []);
  const deliveries = parseDeliveries(exported.map((delivery) => JSON.stringify(delivery)).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-faults-replay-'));
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: quietLogger() });
  try {
    const result = await replay(deliveries, { bus, topicPrefix: 'sitrep.', settings });
    return new Map(result.events.map((event) => [event.id, canonicalJson(incidentEventRecord(event))]));
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReplayComparison {
  /** Event ids on one side only, or with different payloads. */
  readonly mismatchedEvents: number;
  /**
   * Per service whose incident differs: how, and its alert records on the topic that sit after a
   * record received later (the live correlator reads topic order; the replay reads receipt order).
   */
  readonly services: string[];
}

interface EventJson {
  readonly incidentId: string;
  readonly type: string;
  readonly data: unknown;
}

/** Compares by event id; the full detail of a mismatch goes to `reportFile`. */
export function compareReplay(
  topics: TopicContents,
  replayed: ReadonlyMap<string, string>,
  reportFile: string,
): ReplayComparison {
  const only = (from: ReadonlyMap<string, string>, other: ReadonlyMap<string, string>) =>
    [...from].filter(([id]) => !other.has(id)).map(([, payload]) => JSON.parse(payload) as EventJson);
  const liveOnly = only(topics.events, replayed);
  const replayOnly = only(replayed, topics.events);
  const differing = [...replayed].filter(([id, payload]) => topics.events.has(id) && topics.events.get(id) !== payload);
  const mismatchedEvents = liveOnly.length + replayOnly.length + differing.length;
  if (mismatchedEvents === 0) return { mismatchedEvents, services: [] };

  const serviceOf = (event: EventJson) => /"service":"([^"]+)"/.exec(JSON.stringify(event.data))?.[1] ?? '?';
  const affected = new Map<string, { live: Set<string>; replay: Set<string> }>();
  const note = (event: EventJson, side: 'live' | 'replay') => {
    const service = serviceOf(event);
    const entry = affected.get(service) ?? { live: new Set(), replay: new Set() };
    entry[side].add(event.incidentId);
    affected.set(service, entry);
  };
  for (const event of liveOnly) note(event, 'live');
  for (const event of replayOnly) note(event, 'replay');
  for (const [id, payload] of differing) {
    note(JSON.parse(payload) as EventJson, 'replay');
    note(JSON.parse(topics.events.get(id) ?? '{}') as EventJson, 'live');
  }
  const records = topics.alertRecords.map((record, i) => ({
    ...topics.alertPositions[i],
    service: record.scope.value,
    id: record.id,
    status: record.status,
    receivedAt: record.receivedAt,
  }));
  const services = [...affected].map(([service, { live, replay: inReplay }]) => {
    const own = records.filter((record) => record.service === service);
    const overtaken = own.flatMap((record, i) => {
      const later = own.slice(0, i).find((earlier) => earlier.receivedAt > record.receivedAt);
      return later
        ? [
            `offset ${record.offset} (${record.status} ${record.id}, received ${record.receivedAt}) after offset ${later.offset} (received ${later.receivedAt})`,
          ]
        : [];
    });
    return `${service}: live incident ${[...live].join(',')} vs replayed ${[...inReplay].join(',')}; records out of receipt order: ${overtaken.join('; ') || 'none'}`;
  });
  writeFileSync(
    reportFile,
    JSON.stringify(
      { liveOnly, replayOnly, differing, records: records.filter((r) => affected.has(r.service)) },
      null,
      2,
    ),
  );
  return { mismatchedEvents, services };
}
