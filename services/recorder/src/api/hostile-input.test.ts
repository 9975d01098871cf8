import { join } from 'node:path';
import { SqliteIncidentStore } from '@sitrep/store';
import { tempDir } from '../recorder-harness.fixture.js';
import { describeHostileInput } from './hostile-input.fixture.js';

describeHostileInput('SQLite', async () => {
  const store = new SqliteIncidentStore(join(tempDir(), 'recorder.sqlite'));
  await store.migrate();
  return store;
});
