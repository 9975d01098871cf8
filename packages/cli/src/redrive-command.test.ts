import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { deadLetterMessage } from '@sitrep/codec';
import { topicNames } from '@sitrep/contracts';
import { createMemoryLogger } from '@sitrep/telemetry';
import { redriveCommand } from './redrive-command.js';

const topics = topicNames();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An embedded bus whose dead-letter topic holds two records the recorder set aside and one the correlator did. */
async function busWithDeadLetters(): Promise<{ dir: string; bus: EmbeddedBus }> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-redrive-'));
  dirs.push(dir);
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  await bus.start(
    [topics.deadLetter, topics.incidents, topics.alerts].map((name) => ({
      name,
      partitions: 1,
      replicationFactor: -1,
    })),
  );
  const consumed = (topic: string, offset: number, id: string) => ({
    topic,
    partition: 0,
    offset: String(offset),
    key: 'inc_1',
    value: `{"id":"${id}"}`,
    headers: { 'sitrep-id': id, 'sitrep-schema': 'sitrep.incident-event.v1', traceparent: 'tp' },
  });
  await bus.publish(topics.deadLetter, [
    deadLetterMessage(consumed(topics.incidents, 4, 'e4'), 'apply_failed', 'after 3 attempts: refused'),
    deadLetterMessage(consumed(topics.incidents, 9, 'e9'), 'sequence_conflict', 'taken'),
    deadLetterMessage(consumed(topics.alerts, 2, 'a2'), 'schema_violation', 'startsAt'),
  ]);
  await bus.close();
  return { dir, bus: new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger }) };
}

describe('sitrep redrive', () => {
  it('puts the chosen dead letters back on their topic unchanged, without the dead-letter headers', async () => {
    const { dir, bus } = await busWithDeadLetters();
    const env = { SITREP_DATA_DIR: dir };
    expect(await redriveCommand({ dryRun: true }, env)).toEqual([
      `would redrive 2 to ${topics.incidents} (apply_failed 1, sequence_conflict 1)`,
      `would redrive 1 to ${topics.alerts} (schema_violation 1)`,
    ]);
    expect(await redriveCommand({ reason: 'apply_failed', dryRun: false }, env)).toEqual([
      `redrove 1 to ${topics.incidents} (apply_failed 1)`,
    ]);
    await bus.start([]);
    try {
      const redriven = await bus.readAll(topics.incidents);
      expect(redriven.map((message) => [message.key, message.value, message.headers])).toEqual([
        ['inc_1', '{"id":"e4"}', { 'sitrep-id': 'e4', 'sitrep-schema': 'sitrep.incident-event.v1', traceparent: 'tp' }],
      ]);
      expect(await bus.readAll(topics.alerts)).toEqual([]);
    } finally {
      await bus.close();
    }
  });

  it('says so when there is nothing to redrive', async () => {
    const { dir } = await busWithDeadLetters();
    expect(await redriveCommand({ topic: 'sitrep.changes.v1', dryRun: false }, { SITREP_DATA_DIR: dir })).toEqual([
      'no dead letters to redrive',
    ]);
  });
});
