import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus, type Bus } from '@sitrep/bus';
import { incidentEventMessage, incidentEventRecord, timelineEntryMessage } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { topicNames, type IncidentEventRecordV1, type TimelineEntryRecordV1 } from '@sitrep/contracts';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, systemClock, type Clock, type IncidentEvent } from '@sitrep/domain';
import { openIncidentStore, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { domainAlert, lbOutageEvents, minute, waitFor } from '@sitrep/testkit';
import type { Registry } from 'prom-client';
import { loadRecorderConfig, type RecorderConfig } from './config.js';
import { alertValueImpact, type ImpactSource } from './impact-source.js';
import { startRecorder, type Recorder } from './service.js';

export const WRITE_TOKEN = 'recorder-test-write-token';
export const READ_TOKEN = 'recorder-test-read-token';

export function tempDir(prefix = 'sitrep-recorder-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Config for a test instance: any free port, both test tokens, a fresh data dir, plus `env`. */
export function recorderConfig(env: Record<string, string> = {}): RecorderConfig {
  const reader = new EnvReader({
    SITREP_RECORDER_PORT: '0',
    SITREP_API_TOKEN: WRITE_TOKEN,
    SITREP_API_READ_TOKEN: READ_TOKEN,
    SITREP_DATA_DIR: tempDir(),
    ...env,
  });
  const config = loadRecorderConfig(reader);
  reader.finish();
  return config;
}

export interface TestRecorder {
  readonly recorder: Recorder;
  readonly store: IncidentStore;
  readonly registry: Registry;
  /** GET with the read-only token, parsed JSON (or text for Markdown). */
  get(path: string, token?: string): Promise<{ status: number; body: unknown; text: string }>;
  /** POST JSON with the write token. */
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startTestRecorder(
  config: RecorderConfig,
  bus: Bus,
  options: { clock?: Clock; impact?: ImpactSource; store?: IncidentStore } = {},
): Promise<TestRecorder> {
  const store = options.store ?? openIncidentStore(config.store);
  const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
  const { logger } = createMemoryLogger('error');
  const recorder = await startRecorder({
    config,
    bus,
    store,
    clock: options.clock ?? systemClock,
    logger,
    registry,
    impact: options.impact ?? alertValueImpact,
  });
  await recorder.started;
  const call = async (path: string, init: RequestInit) => {
    const response = await fetch(`${recorder.url}${path}`, init);
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: json ? (JSON.parse(text) as unknown) : text, text };
  };
  return {
    recorder,
    store,
    registry,
    get: (path, token = READ_TOKEN) => call(path, { headers: { authorization: `Bearer ${token}` } }),
    post: (path, body, token = WRITE_TOKEN) =>
      call(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    close: async () => {
      await recorder.close();
      if (!options.store) await store.close();
    },
  };
}

/** A recorder on an embedded bus in a fresh directory: the unit tests' usual setup. */
export interface EmbeddedTestRecorder extends TestRecorder {
  readonly bus: EmbeddedBus;
  /** Publishes incident event records as the correlator does, and waits until the last is applied. */
  record(records: readonly IncidentEventRecordV1[]): Promise<void>;
}

export async function startEmbeddedTestRecorder(clock: Clock): Promise<EmbeddedTestRecorder> {
  const dir = tempDir();
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  const test = await startTestRecorder(recorderConfig({ SITREP_DATA_DIR: dir }), bus, { clock });
  return {
    ...test,
    bus,
    record: async (records) => {
      await publishEvents(bus, 'sitrep.', records);
      const last = records.at(-1);
      if (last === undefined) return;
      await waitFor(async () => (await test.store.incident(last.incidentId))?.lastSequence === last.sequence);
    },
    close: async () => {
      await test.close();
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The reference outage's incident event records, as the correlator publishes them. */
export const lbOutageRecords = (options: Parameters<typeof lbOutageEvents>[0] = {}): IncidentEventRecordV1[] =>
  lbOutageEvents(options).map(incidentEventRecord);

/**
 * `count` incidents on services svc-0..svc-n, each opened, joined by a second alert and resolved:
 * a stream long enough to stop a recorder in the middle of.
 */
export function manyIncidentRecords(count: number): IncidentEventRecordV1[] {
  const correlator = new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, quietPeriodMs: 0 });
  const events: IncidentEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const service = `svc-${index}`;
    const errors = { alertname: 'HighErrorRate', service, severity: 'critical' };
    const latency = { alertname: 'HighLatency', service, severity: 'warning' };
    const t = index * 0.01;
    events.push(
      ...correlator.applyAlert(domainAlert(errors, { starts: t, received: t + 1 }, { value: '0.2' })),
      ...correlator.applyAlert(domainAlert(latency, { starts: t + 1, received: t + 2 })),
      ...correlator.applyAlert(domainAlert(errors, { starts: t, received: t + 20, ends: t + 19 })),
      ...correlator.applyAlert(domainAlert(latency, { starts: t + 1, received: t + 21, ends: t + 20 })),
    );
  }
  return events.map(incidentEventRecord);
}

/** A person's entry as the recorder publishes it. */
export function entryRecord(
  incidentId: string,
  kind: TimelineEntryRecordV1['kind'],
  at: number,
  id = `${kind}-${incidentId}`,
): TimelineEntryRecordV1 {
  return {
    schema: 'sitrep.timeline-entry.v1',
    id,
    incidentId,
    kind,
    at: minute(at).toISOString(),
    recordedAt: minute(at + 0.5).toISOString(),
    author: 'oncall@example.com',
    text: kind === 'note' ? 'checked the balancer weights' : '',
    to: null,
  };
}

export async function publishEntries(bus: Bus, prefix: string, records: readonly TimelineEntryRecordV1[]) {
  await bus.publish(
    topicNames(prefix).entries,
    records.map((record) => timelineEntryMessage(record, {})),
  );
}

/** Everything a store holds, with revisions (write counters) blanked: what a rebuild must reproduce. */
export async function storeContents(store: IncidentStore, ids: readonly string[]) {
  const contents = [];
  for (const id of [...ids].sort()) {
    const row = await store.incident(id);
    contents.push({
      row: row === null ? null : { ...row, revision: 0 },
      events: await store.events(id),
      entries: await store.entries(id),
    });
  }
  return contents;
}

/** Publishes incident event records on the incidents topic as the correlator does (keyed by incident). */
export async function publishEvents(bus: Bus, prefix: string, records: readonly IncidentEventRecordV1[]) {
  await bus.publish(
    topicNames(prefix).incidents,
    records.map((record) => incidentEventMessage(record, {})),
  );
}

export { minute };
