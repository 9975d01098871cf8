import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { describeBusContract } from './bus.contract.js';
import { EmbeddedBus } from './embedded-bus.js';

const dir = mkdtempSync(join(tmpdir(), 'sitrep-embedded-bus-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const { logger } = createMemoryLogger('error');

// One file shared by every bus the suite makes, as one data dir is shared across restarts.
describeBusContract('embedded', () => new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger, retryBackoffMs: 50 }));

describe('EmbeddedBus specifics', () => {
  it('rejects publishing to a topic that was never created, without retry', async () => {
    const bus = new EmbeddedBus({ path: join(dir, 'specific.sqlite'), logger });
    await bus.start([]);
    await expect(bus.publish('no-such-topic', [{ key: 'k', value: 'v' }])).rejects.toMatchObject({
      errorClass: 'protocol',
      retriable: false,
    });
    await bus.close();
  });

  it('fails a start it cannot get past without an operator (the data dir is a file) as not retriable', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const bus = new EmbeddedBus({ path: join(file, 'bus.sqlite'), logger });
    await expect(bus.start([])).rejects.toMatchObject({ name: 'BusError', errorClass: 'unknown', retriable: false });
    await bus.close();
  });

  it('fails a start as retriable while another process holds the file locked', async () => {
    const path = join(dir, 'locked.sqlite');
    const holder = new DatabaseSync(path);
    holder.exec('CREATE TABLE held (x); BEGIN EXCLUSIVE; INSERT INTO held VALUES (1)');
    const bus = new EmbeddedBus({ path, logger });
    try {
      await expect(bus.start([])).rejects.toMatchObject({ name: 'BusError', retriable: true });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await bus.start([]);
    await bus.close();
  });

  it('compacts eagerly: a compacted topic holds one message per key', async () => {
    const bus = new EmbeddedBus({ path: join(dir, 'compact.sqlite'), logger });
    await bus.start([{ name: 'table', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }]);
    await bus.publish('table', [
      { key: 'a', value: '1' },
      { key: 'b', value: '1' },
    ]);
    await bus.publish('table', [{ key: 'a', value: '2' }]);
    expect((await bus.readAll('table')).map((message) => `${message.key ?? ''}=${message.value}`)).toEqual([
      'b=1',
      'a=2',
    ]);
    await bus.close();
  });

  it('allows one member per group', async () => {
    const bus = new EmbeddedBus({ path: join(dir, 'members.sqlite'), logger });
    await bus.start([{ name: 't', partitions: 1, replicationFactor: 1 }]);
    const options = { groupId: 'g', topics: ['t'], fromBeginning: true, eachMessage: () => Promise.resolve() };
    const first = await bus.subscribe(options);
    await expect(bus.subscribe(options)).rejects.toMatchObject({ errorClass: 'protocol' });
    await first.close();
    await bus.close();
  });
});
