import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '@sitrep/bus';
import { topicNames } from '@sitrep/contracts';
import { PostgresIncidentStore } from '@sitrep/store';
import { createMemoryLogger } from '@sitrep/telemetry';
import { startPostgres, testKafkaBrokers, uniqueName, waitFor, type RunningPostgres } from '@sitrep/testkit';
import {
  lbOutageRecords,
  publishEvents,
  recorderConfig,
  startTestRecorder,
  tempDir,
} from './recorder-harness.fixture.js';

// One record the store can never take (PostgreSQL refuses a NUL byte in a text column) must not
// block the partition: after a few attempts it is set aside with its reason, and the records
// behind it are recorded.

const { logger } = createMemoryLogger('error');
let postgres: RunningPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres.close();
});

describe('a record the store refuses', () => {
  it('goes to the dead-letter topic after bounded attempts, and the partition moves on', async () => {
    const prefix = `${uniqueName('blocked')}.`;
    const bus = new KafkaBus({
      brokers: [testKafkaBrokers()],
      clientId: uniqueName('blocked'),
      publishTimeoutMs: 15_000,
      logger,
    });
    const store = new PostgresIncidentStore(
      postgres.createDatabase(
        uniqueName('blocked')
          .replace(/[^a-z0-9_]/gi, '_')
          .toLowerCase(),
      ),
    );
    const recorder = await startTestRecorder(
      recorderConfig({
        SITREP_DATA_DIR: tempDir(),
        KAFKA_BROKERS: testKafkaBrokers(),
        SITREP_TOPIC_PREFIX: prefix,
        SITREP_TOPIC_PARTITIONS: '1',
      }),
      bus,
      { store },
    );
    try {
      const good = lbOutageRecords();
      const [first] = good;
      if (!first) throw new Error('no outage records');
      const poisoned = { ...first, id: 'f'.repeat(32), incidentId: 'inc_nul\u0000byte' };
      await publishEvents(bus, prefix, [poisoned, ...good]);
      await waitFor(async () => (await store.incident(first.incidentId))?.lastSequence === good.length, {
        timeoutMs: 60_000,
        description: 'the records behind the refused one recorded',
      });
      const deadLetters = await bus.readAll(topicNames(prefix).deadLetter);
      expect(deadLetters.map((message) => message.headers['sitrep-dead-letter-reason'])).toEqual(['apply_failed']);
      expect(deadLetters[0]?.headers['sitrep-dead-letter-detail']).toMatch(/after 3 attempts/);
      const metrics = await recorder.registry.metrics();
      expect(metrics).toMatch(/sitrep_recorder_dead_letters_total\{[^}]*reason="apply_failed"[^}]*\} 1/);
    } finally {
      await recorder.close();
      await store.close();
      await bus.close();
    }
  });
});
