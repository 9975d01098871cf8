import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { FakeClock, lbOutageDeliveries, waitFor, webhookBody } from '@sitrep/testkit';
import { startAlertIngest } from '../service.js';
import { collectIncidentEvents, correlatorConfig, post } from '../ingest-harness.fixture.js';
import { DeliveryFileError, parseDeliveries } from './deliveries.js';
import { exportDeliveries, replay } from './replay.js';

const { logger } = createMemoryLogger('error');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempBus(): EmbeddedBus {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-replay-test-'));
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger, pollIntervalMs: 20, retryBackoffMs: 50 });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => bus.close());
  return bus;
}

const T = (minute: number) => new Date(Date.parse('2026-11-22T03:00:00Z') + minute * 60_000).toISOString();
const pay = { labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'warning' }, startsAt: T(20) };

/** The reference outage plus an unrelated blip, as NDJSON lines of recorded deliveries. */
const STREAM = [
  ...lbOutageDeliveries().map((delivery) => delivery.line),
  { receivedAt: T(20.5), alertmanager: webhookBody([pay]) },
]
  .sort((a, b) => String(a.receivedAt).localeCompare(String(b.receivedAt)))
  .map((line) => JSON.stringify(line))
  .join('\n');

const settings = correlatorConfig({ SITREP_DATA_DIR: '/nonexistent' }).correlation;

describe('replay file parsing', () => {
  it('names the line and the field at fault', () => {
    const bad = (text: string) => {
      try {
        parseDeliveries(text);
      } catch (error) {
        expect(error).toBeInstanceOf(DeliveryFileError);
        return [(error as DeliveryFileError).line, (error as DeliveryFileError).field];
      }
      throw new Error('expected an error');
    };
    expect(bad(`${STREAM}\nnot json`)).toEqual([9, '(line)']);
    expect(bad('{"receivedAt":"2026-11-22T03:00:00Z","alertmanager":{"version":"3"}}')).toEqual([
      1,
      'alertmanager.version',
    ]);
    expect(bad('{"receivedAt":"yesterday","change":{}}')).toEqual([1, '(line)']);
    expect(bad('\n# comment\n{"receivedAt":"2026-11-22T03:00:00Z","change":{"service":""}}')).toEqual([
      3,
      'change.service',
    ]);
  });
});

describe('replay', () => {
  it('finds the outage as one incident with the change and the imbalance as probable causes, and the blip apart', async () => {
    const result = await replay(parseDeliveries(STREAM), {
      bus: tempBus(),
      topicPrefix: 'sitrep.',
      settings,
    });
    expect(result.incidents.map((incident) => incident.services)).toEqual([['auth-lb', 'auth'], ['payments']]);
    const [outage] = result.incidents;
    expect(outage).toMatchObject({
      signals: ['load_imbalance', 'error_rate', 'latency'],
      severity: 'critical',
      status: 'resolved',
      startedAt: new Date(T(0)),
      detectedAt: new Date(T(1)),
      resolvedAt: new Date(T(32)),
      alertCount: 3,
    });
    expect(outage?.probableCause.slice(0, 2).map((hint) => hint.signal)).toEqual(['change', 'load_imbalance']);
    expect(result.incidents[1]?.status).toBe('open');
  });

  it('gives the same incident events as the live path, and an export of the live run replays to them too', async () => {
    const deliveries = parseDeliveries(STREAM);
    const replayed = await replay(deliveries, {
      bus: tempBus(),
      topicPrefix: 'sitrep.',
      settings,
    });

    // Live: the HTTP endpoints and the correlator consumer, with the recorded times as the clock.
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-live-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger, pollIntervalMs: 20, retryBackoffMs: 50 });
    const clock = new FakeClock(T(-10));
    const registry = createMetricsRegistry({ service: 'live', processMetrics: false });
    const ingest = await startAlertIngest({
      config: correlatorConfig({ SITREP_DATA_DIR: dir }),
      bus,
      clock,
      logger,
      registry,
    });
    cleanups.push(async () => {
      await ingest.close();
      await bus.close();
    });
    await ingest.started;
    const { events, subscription } = await collectIncidentEvents(bus, 'sitrep.incidents.v1');
    cleanups.push(() => subscription.close());
    const consumed = async (topic: string) =>
      (await registry.getSingleMetric('sitrep_correlator_records_total')?.get())?.values
        .filter((value) => value.labels.topic === topic)
        .reduce((sum, value) => sum + value.value, 0) ?? 0;
    let alertRecords = 0;
    for (const delivery of deliveries) {
      clock.set(delivery.receivedAt);
      if ('change' in delivery) {
        await post(ingest, '/api/v1/changes', { ...delivery.change, at: delivery.change.at.toISOString() });
        await waitFor(async () => (await consumed('sitrep.changes.v1')) === 1, { description: 'the change read' });
      } else {
        await post(ingest, '/api/v1/alertmanager', delivery.alertmanager);
        alertRecords += delivery.alertmanager.alerts.length;
        // One delivery at a time, as they were received.
        await waitFor(async () => (await consumed('sitrep.alerts.v1')) === alertRecords, {
          description: 'alerts read',
        });
      }
    }
    clock.set(T(60));
    const key = (event: { id: string; type: string; sequence: number }) =>
      `${event.id} ${event.type} ${event.sequence}`;
    await waitFor(() => events.length === replayed.events.length, { description: 'as many live events as replayed' });
    expect(events.map(key).sort()).toEqual(replayed.events.map(key).sort());

    const exported = (await exportDeliveries(bus, 'sitrep.')).map((line) => JSON.stringify(line)).join('\n');
    const again = await replay(parseDeliveries(exported), {
      bus: tempBus(),
      topicPrefix: 'sitrep.',
      settings,
    });
    expect(again.events.map(key)).toEqual(replayed.events.map(key));
  });

  it('keeps the order records of one key were written in, even when a later one was received earlier', async () => {
    // A publish that timed out landed after its sender's retry: the copy received at 21 sits
    // before the one received at 20.5, and a live correlator opens the incident from it.
    const lines = [
      { receivedAt: T(21), alertmanager: webhookBody([pay]) },
      { receivedAt: T(20.5), alertmanager: webhookBody([pay]) },
    ].map((line) => JSON.stringify(line));
    const result = await replay(parseDeliveries(lines.join('\n')), {
      bus: tempBus(),
      topicPrefix: 'sitrep.',
      settings,
    });
    const opened = result.events.filter((event) => event.type === 'incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.occurredAt.toISOString()).toBe(T(21));
  });
});
