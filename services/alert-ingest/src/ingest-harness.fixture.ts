import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus, type Bus, type Subscription } from '@sitrep/bus';
import { EnvReader } from '@sitrep/config';
import { parseIncidentEventRecord, type IncidentEventRecordV1 } from '@sitrep/contracts';
import { systemClock } from '@sitrep/domain';
import { createMemoryLogger, createMetricsRegistry, type Logger } from '@sitrep/telemetry';
import { lbOutageCorrelationYaml, testKafkaBrokers, uniqueName } from '@sitrep/testkit';
import { loadIngestConfig, type IngestConfig } from './config.js';
import { startAlertIngest, type AlertIngest } from './service.js';

export const TOKEN = 'correlator-test-token';

/** A bus on the test broker, closed by the test's clean-ups. */
export function testKafkaBus(name: string, logger: Logger, cleanups: (() => Promise<void>)[]): KafkaBus {
  const bus = new KafkaBus({
    brokers: [testKafkaBrokers()],
    clientId: uniqueName(name),
    publishTimeoutMs: 15_000,
    logger,
  });
  cleanups.push(() => bus.close());
  return bus;
}

/** The outage's correlation file (the balancer in front of auth, auth in front of its database), with a 1 s quiet period. */
export const CORRELATION_YAML = lbOutageCorrelationYaml({ quiet_period: '1s', group: '10m' });

export function correlationFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-correlation-'));
  const path = join(dir, 'correlation.yml');
  writeFileSync(path, CORRELATION_YAML);
  return path;
}

/** Config for a test instance: any free port, the test token, plus `env`. */
export function ingestConfig(env: Record<string, string>): IngestConfig {
  const reader = new EnvReader({ SITREP_INGEST_PORT: '0', SITREP_INGEST_BEARER_TOKEN: TOKEN, ...env });
  const config = loadIngestConfig(reader);
  reader.finish();
  return config;
}

/** The same, correlating with the outage's dependency map and a 1 s quiet period. */
export function correlatorConfig(env: Record<string, string>): IngestConfig {
  return ingestConfig({ SITREP_CORRELATION_CONFIG: correlationFile(), ...env });
}

export async function startIngest(config: IngestConfig, bus: Bus): Promise<AlertIngest> {
  const { logger } = createMemoryLogger('error');
  const ingest = await startAlertIngest({
    config,
    bus,
    clock: systemClock,
    logger,
    registry: createMetricsRegistry({ service: 'alert-ingest', processMetrics: false }),
  });
  await ingest.started;
  return ingest;
}

/** POSTs with the test token and returns the response, whatever its status. */
export function send(ingest: AlertIngest, path: string, body: unknown): Promise<Response> {
  return fetch(`${ingest.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
}

/** POSTs and insists on 200. */
export async function post(ingest: AlertIngest, path: string, body: unknown): Promise<Response> {
  const response = await send(ingest, path, body);
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Collects incident events from the topic, parsed, de-duplicated by event id as consumers must. */
export async function collectIncidentEvents(
  bus: Bus,
  topic: string,
): Promise<{ events: IncidentEventRecordV1[]; subscription: Subscription }> {
  const seen = new Set<string>();
  const events: IncidentEventRecordV1[] = [];
  const subscription = await bus.subscribe({
    groupId: uniqueName('incident-reader'),
    topics: [topic],
    fromBeginning: true,
    eachMessage: (message) => {
      const parsed = parseIncidentEventRecord(JSON.parse(message.value));
      if (!parsed.ok) throw new Error(`invalid incident event: ${JSON.stringify(parsed.issues)}`);
      if (!seen.has(parsed.value.id)) {
        seen.add(parsed.value.id);
        events.push(parsed.value);
      }
      return Promise.resolve();
    },
  });
  return { events, subscription };
}

export const ofType = <T extends IncidentEventRecordV1['type']>(events: readonly IncidentEventRecordV1[], type: T) =>
  events.filter((event): event is Extract<IncidentEventRecordV1, { type: T }> => event.type === type);

/** Minutes ago, as an ISO timestamp: alerts in these tests are recent, as live ones are. */
export const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
