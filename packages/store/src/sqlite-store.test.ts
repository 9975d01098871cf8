import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, expect, it } from 'vitest';
import { expectVersion3Services, version2Store } from './migration-v3.fixture.js';
import { SqliteIncidentStore } from './sqlite-store.js';
import { describeStoreContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sitrep-store-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite', async (storage) => {
  const store = new SqliteIncidentStore(join(dir, `${storage}.sqlite`));
  await store.migrate();
  return store;
});

it('migrates a version 2 store: its incidents are listed by service and reported as before', async () => {
  const path = join(dir, 'version2.sqlite');
  const db = new DatabaseSync(path);
  for (const statement of version2Store()) db.exec(statement);
  db.close();
  const store = new SqliteIncidentStore(path);
  await store.migrate();
  await expectVersion3Services(store);
  expect(await store.counts()).toMatchObject({ incidents: 3 });
  await store.close();
});
