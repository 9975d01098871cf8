import { afterAll, beforeAll } from 'vitest';
import { PostgresIncidentStore } from '@sitrep/store';
import { startPostgres, type RunningPostgres } from '@sitrep/testkit';
import { describeHostileInput } from './hostile-input.fixture.js';

// The same odd input against a real PostgreSQL, which refuses NUL in text parameters outright.
let server: RunningPostgres;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server.close();
});

describeHostileInput('PostgreSQL', async () => {
  const store = new PostgresIncidentStore(server.createDatabase('recorder_hostile'));
  await store.migrate();
  return store;
});
