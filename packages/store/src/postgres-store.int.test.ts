import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type RunningPostgres } from '@sitrep/testkit';
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
