import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '@sitrep/bus';
import { PostgresIncidentStore, SqliteIncidentStore, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger } from '@sitrep/telemetry';
import { startPostgres, testKafkaBrokers, uniqueName, waitFor, type RunningPostgres } from '@sitrep/testkit';
import { join } from 'node:path';
import { rebuild } from './rebuild.js';
import {
  entryRecord,
  manyIncidentRecords,
  publishEntries,
  publishEvents,
  recorderConfig,
  startTestRecorder,
  storeContents,
  tempDir,
  type TestRecorder,
} from './recorder-harness.fixture.js';

const { logger } = createMemoryLogger('error');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

let postgres: RunningPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres.close();
});

function kafkaBus(): KafkaBus {
  const bus = new KafkaBus({
    brokers: [testKafkaBrokers()],
    clientId: uniqueName('recorder-it'),
    publishTimeoutMs: 15_000,
    logger,
  });
  cleanups.push(() => bus.close());
  return bus;
}

function postgresStore(): Promise<IncidentStore> {
  const database = uniqueName('recorder')
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
  const store = new PostgresIncidentStore(postgres.createDatabase(database));
  cleanups.push(() => store.close());
  return Promise.resolve(store);
}

function sqliteStore(): IncidentStore {
  const store = new SqliteIncidentStore(join(tempDir(), 'recorder.sqlite'));
  cleanups.push(() => store.close());
  return store;
}

const stores = { sqlite: () => Promise.resolve(sqliteStore()), postgres: postgresStore };

describe.each(Object.entries(stores))('recorder on real Kafka with the %s store', (_name, openStore) => {
  it('survives a restart mid-stream: every event and entry stored once, rows as if never stopped; a rebuild is identical', async () => {
    const prefix = `${uniqueName('rec')}.`;
    const group = uniqueName('recorder');
    const env = { KAFKA_BROKERS: testKafkaBrokers(), SITREP_TOPIC_PREFIX: prefix, SITREP_RECORDER_GROUP: group };
    const records = manyIncidentRecords(60);
    const ids = [...new Set(records.map((record) => record.incidentId))];
    const entries = ids.slice(0, 20).map((id, index) => entryRecord(id, 'acknowledged', index * 0.01 + 1.5));
    const store = await openStore();
    const bus = kafkaBus();

    const first: TestRecorder = await startTestRecorder(recorderConfig(env), bus, { store });
    const half = Math.floor(records.length / 2);
    await publishEvents(bus, prefix, records.slice(0, half));
    await publishEntries(bus, prefix, entries.slice(0, 10));
    await waitFor(async () => (await store.counts()).events > half / 4);
    await first.close();

    // Published while no recorder runs, and some again (a producer retry): duplicates on the topic.
    await publishEvents(bus, prefix, records.slice(half - 10));
    await publishEntries(bus, prefix, entries);
    const second = await startTestRecorder(recorderConfig(env), bus, { store });
    cleanups.push(() => second.close());
    await waitFor(
      async () => {
        const counts = await store.counts();
        return counts.events === records.length && counts.entries === entries.length;
      },
      { timeoutMs: 60_000 },
    );

    const page = await store.listIncidents({ limit: 500 });
    expect(page.incidents).toHaveLength(60);
    expect(page.incidents.every((incident) => incident.status === 'resolved')).toBe(true);
    for (const incident of page.incidents) {
      expect(incident.lastSequence).toBe(records.filter((record) => record.incidentId === incident.id).length);
    }
    const acknowledged = page.incidents.filter((incident) => incident.acknowledgedAt !== null);
    expect(acknowledged.map((incident) => incident.id).sort()).toEqual(ids.slice(0, 20).sort());

    const rebuilt = sqliteStore();
    const result = await rebuild(bus, rebuilt, prefix);
    expect(result.incidents).toBe(60);
    expect(await storeContents(rebuilt, ids)).toEqual(await storeContents(store, ids));
  });
});
