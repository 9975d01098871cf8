import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
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
