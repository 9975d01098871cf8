import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus, type Subscription } from '@sitrep/bus';
import { createMemoryLogger } from '@sitrep/telemetry';
import {
  LB_OUTAGE,
  lbOutageDeliveries,
  recentLbOutage,
  streamTime,
  waitFor,
  type OutageDelivery,
} from '@sitrep/testkit';
import { correlatorTopics, type AlertIngest } from '../service.js';
import {
  collectIncidentEvents,
  correlatorConfig,
  ingestConfig,
  ofType,
  post,
  startIngest,
} from '../ingest-harness.fixture.js';
import { migrateCorrelatorState } from './migrate.js';

// The correlator on the embedded transport (what `npm start` runs): real SQLite bus, real HTTP.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function embedded(dataDir: string): EmbeddedBus {
  const { logger } = createMemoryLogger('error');
  return new EmbeddedBus({ path: join(dataDir, 'bus.sqlite'), logger, pollIntervalMs: 50, retryBackoffMs: 50 });
}

async function running(dataDir: string): Promise<{ ingest: AlertIngest; bus: EmbeddedBus }> {
  const bus = embedded(dataDir);
  const ingest = await startIngest(correlatorConfig({ SITREP_DATA_DIR: dataDir }), bus);
  return { ingest, bus };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-correlator-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  });
  return dir;
}

/** The reference outage in the last ten minutes: alerts in these tests are recent, as live ones are. */
const recentOutage = () => lbOutageDeliveries(recentLbOutage());
const deliver = async (ingest: AlertIngest, deliveries: readonly OutageDelivery[]) => {
  for (const delivery of deliveries) await post(ingest, delivery.path, delivery.body);
};

describe('correlator on the embedded bus', () => {
  it('turns the outage into one incident with the balancer first among causes, and resolves it', async () => {
    const dir = tempDir();
    const { ingest, bus } = await running(dir);
    cleanups.push(async () => {
      await ingest.close();
      await bus.close();
    });
    const { events, subscription } = await collectIncidentEvents(bus, 'sitrep.incidents.v1');
    cleanups.push(() => subscription.close());

    const recent = recentLbOutage();
    const deliveries = lbOutageDeliveries(recent);
    // The change and every alert firing come in the first five minutes; recovery begins at 30.
    await deliver(
      ingest,
      deliveries.filter((delivery) => delivery.minute < 10),
    );

    await waitFor(() => ofType(events, 'incident.alert_attached').length === 3, {
      description: 'three attached alerts',
    });
    expect(new Set(events.map((event) => event.incidentId)).size).toBe(1);
    const hints = ofType(events, 'incident.cause_ranked').at(-1)!.data.hints;
    expect(hints.slice(0, 2).map((hint) => [hint.signal, hint.service])).toEqual([
      ['change', 'auth-lb'],
      ['load_imbalance', 'auth-lb'],
    ]);

    await deliver(
      ingest,
      deliveries.filter((delivery) => delivery.minute >= 10),
    );
    const resolved = await waitFor(() => ofType(events, 'incident.resolved')[0], { description: 'incident.resolved' });
    expect(resolved.data.resolvedAt).toBe(streamTime(recent)(LB_OUTAGE.alerts.imbalance.ends).toISOString());
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
  });

  it('picks the incident back up after a restart: the next alert joins it', async () => {
    const dir = tempDir();
    const [, imbalanceFiring, errorsFiring] = recentOutage();
    const first = await running(dir);
    await post(first.ingest, imbalanceFiring!.path, imbalanceFiring!.body);
    const before = await collectIncidentEvents(first.bus, 'sitrep.incidents.v1');
    await waitFor(() => ofType(before.events, 'incident.alert_attached').length === 1, { description: 'first alert' });
    await before.subscription.close();
    await first.ingest.close();
    await first.bus.close();

    const second = await running(dir);
    cleanups.push(async () => {
      await second.ingest.close();
      await second.bus.close();
    });
    await post(second.ingest, errorsFiring!.path, errorsFiring!.body);
    const after = await collectIncidentEvents(second.bus, 'sitrep.incidents.v1');
    cleanups.push(() => after.subscription.close());
    await waitFor(() => ofType(after.events, 'incident.alert_attached').length === 2, { description: 'second alert' });
    expect(new Set(after.events.map((event) => event.incidentId)).size).toBe(1);
    expect(ofType(after.events, 'incident.opened')).toHaveLength(1);
  });

  it('sends a malformed record to the dead-letter topic with its reason and keeps going', async () => {
    const dir = tempDir();
    const { ingest, bus } = await running(dir);
    cleanups.push(async () => {
      await ingest.close();
      await bus.close();
    });
    await bus.publish('sitrep.alerts.v1', [
      {
        key: 'auth',
        value: '{"schema":"sitrep.alert.v1","id":"nope"}',
        headers: { 'sitrep-schema': 'sitrep.alert.v1' },
      },
      { key: 'auth', value: 'not json' },
      { key: 'auth', value: '{}', headers: { 'sitrep-schema': 'sitrep.alert.v9' } },
    ]);
    const [, , errorsFiring] = recentOutage();
    await post(ingest, errorsFiring!.path, errorsFiring!.body);
    const letters: Record<string, string>[] = [];
    const subscription: Subscription = await bus.subscribe({
      groupId: 'dlq-reader',
      topics: ['sitrep.dead-letter.v1'],
      fromBeginning: true,
      eachMessage: (message) => {
        letters.push(message.headers);
        return Promise.resolve();
      },
    });
    cleanups.push(() => subscription.close());
    const { events, subscription: incidents } = await collectIncidentEvents(bus, 'sitrep.incidents.v1');
    cleanups.push(() => incidents.close());
    await waitFor(() => letters.length === 3 && ofType(events, 'incident.opened').length === 1, {
      description: 'three dead letters and the valid alert correlated',
    });
    expect(letters.map((headers) => headers['sitrep-dead-letter-reason'])).toEqual([
      'schema_violation',
      'invalid_json',
      'unknown_schema',
    ]);
    expect(letters[0]?.['sitrep-dead-letter-detail']).toMatch(/^id:/);
    expect(letters[1]?.['sitrep-source-topic']).toBe('sitrep.alerts.v1');
  });

  it('refuses to start once the dependency map changed, until sitrep migrate re-keys the state', async () => {
    const dir = tempDir();
    const [, imbalanceFiring, errorsFiring, latencyFiring] = recentOutage();
    // First without a dependency map: the balancer's and auth's alerts are two incidents.
    const unmapped = ingestConfig({ SITREP_DATA_DIR: dir });
    const firstBus = embedded(dir);
    const first = await startIngest(unmapped, firstBus);
    for (const delivery of [imbalanceFiring!, errorsFiring!]) await post(first, delivery.path, delivery.body);
    const before = await collectIncidentEvents(firstBus, 'sitrep.incidents.v1');
    await waitFor(() => ofType(before.events, 'incident.opened').length === 2, { description: 'two incidents' });
    await before.subscription.close();
    await first.close();
    await firstBus.close();

    const mapped = correlatorConfig({ SITREP_DATA_DIR: dir });
    const refusedBus = embedded(dir);
    await expect(startIngest(mapped, refusedBus)).rejects.toThrow(/dependency map.*sitrep migrate/);
    await refusedBus.close();

    const migrateBus = embedded(dir);
    await migrateBus.start([]);
    const { logger } = createMemoryLogger('error');
    const migrated = await migrateCorrelatorState({
      bus: migrateBus,
      topics: correlatorTopics(mapped),
      settings: mapped.correlation,
      groupId: mapped.correlatorGroup,
      logger,
    });
    await migrateBus.close();
    expect(migrated).toMatchObject({ migrated: true, incidents: 2, fromPartitions: 1, toPartitions: 1 });

    const { ingest, bus } = await running(dir);
    cleanups.push(async () => {
      await ingest.close();
      await bus.close();
    });
    await post(ingest, latencyFiring!.path, latencyFiring!.body);
    const after = await collectIncidentEvents(bus, 'sitrep.incidents.v1');
    cleanups.push(() => after.subscription.close());
    await waitFor(() => ofType(after.events, 'incident.alert_attached').length === 3, { description: 'third alert' });
    // Joined one of the two: the restored incidents are where the new keying looks for them.
    expect(ofType(after.events, 'incident.opened')).toHaveLength(2);
  });
});
