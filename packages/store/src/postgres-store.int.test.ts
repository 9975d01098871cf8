import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '@sitrep/testkit';
import { expectVersion3Services, version2Store } from './migration-v3.fixture.js';
import { PostgresIncidentStore } from './postgres-store.js';
import { describeStoreContract } from './store.contract.js';

// A real PostgreSQL server (Debian's package), one database per storage name.
let server: RunningPostgres;
const created = new Set<string>();

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server.close();
});

describeStoreContract('postgres', async (storage) => {
  const database = `store_${storage.toLowerCase()}`;
  if (!created.has(database)) {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    created.add(database);
  }
  const store = new PostgresIncidentStore(server.urlFor(database));
  await store.migrate();
  return store;
});

it('migrates a version 2 store: its incidents are listed by service and reported as before', async () => {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE store_version2');
  await admin.end();
  const client = new pg.Client({ connectionString: server.urlFor('store_version2') });
  await client.connect();
  for (const statement of version2Store()) await client.query(statement);
  await client.end();
  const store = new PostgresIncidentStore(server.urlFor('store_version2'));
  await store.migrate();
  await expectVersion3Services(store);
  await store.close();
});

describe('PostgreSQL timeouts', () => {
  const database = async (name: string): Promise<string> => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return server.urlFor(name);
  };

  it('cancels a statement that runs past the statement timeout, as unavailable, and recovers', async () => {
    const url = await database('store_statement_timeout');
    const store = new PostgresIncidentStore(url, { statementTimeoutMs: 400 });
    await store.migrate();
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      await expect(store.incident('inc_1')).rejects.toMatchObject({ name: 'StoreError', code: 'unavailable' });
      await expect(store.listIncidents({ limit: 1 })).rejects.toMatchObject({ code: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(3_000);
      await locker.query('ROLLBACK');
      expect(await store.incident('inc_1')).toBeNull();
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('answers unavailable at once when the server has stopped', async () => {
    const stopped = await startPostgres();
    const store = new PostgresIncidentStore(stopped.url, { connectTimeoutMs: 1_000 });
    await store.migrate();
    await stopped.close();
    const started = Date.now();
    await expect(store.incident('inc_1')).rejects.toMatchObject({ code: 'unavailable' });
    await expect(
      store.addEntry(
        {
          id: 'n1',
          incidentId: 'inc_1',
          kind: 'note',
          at: new Date(),
          recordedAt: new Date(),
          author: 'a',
          text: '',
          to: null,
        },
        null,
      ),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });
});
