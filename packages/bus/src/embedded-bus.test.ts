import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { waitFor } from '@sitrep/testkit';
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

  it('acknowledges a publish, and shows its records to consumers, only once a WAL flush after its commit is done', async () => {
    // A flush the test completes by hand: until then the records are committed but not on disk.
    const flushes: { done: () => void; fail: (error: Error) => void }[] = [];
    const syncWal = () => new Promise<void>((resolve, reject) => flushes.push({ done: resolve, fail: reject }));
    const bus = new EmbeddedBus({ path: join(dir, 'durable.sqlite'), logger, syncWal, pollIntervalMs: 10 });
    await bus.start([{ name: 't', partitions: 1, replicationFactor: 1 }]);
    const seen: string[] = [];
    const subscription = await bus.subscribe({
      groupId: 'reader',
      topics: ['t'],
      fromBeginning: true,
      eachMessage: (message) => {
        seen.push(message.value);
        return Promise.resolve();
      },
    });
    let acknowledged = false;
    const published = bus.publish('t', [{ key: 'k', value: 'first' }]).then(() => (acknowledged = true));
    await waitFor(() => flushes.length > 0, { description: 'a flush after the commit' });
    // Committed (another connection sees the row), neither acknowledged nor delivered.
    const reader = new DatabaseSync(join(dir, 'durable.sqlite'), { readOnly: true });
    expect((reader.prepare('SELECT COUNT(*) AS n FROM bus_messages').get() as { n: number }).n).toBe(1);
    reader.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acknowledged).toBe(false);
    expect(seen).toEqual([]);
    // A publish committed while that flush runs waits for the next one.
    let secondAcknowledged = false;
    const second = bus.publish('t', [{ key: 'k', value: 'second' }]).then(() => (secondAcknowledged = true));
    await new Promise((resolve) => setImmediate(resolve));
    flushes[0]?.done();
    await published;
    await waitFor(() => seen.length === 1, { description: 'the first record delivered' });
    expect(seen).toEqual(['first']);
    expect(secondAcknowledged).toBe(false);
    await waitFor(() => flushes.length > 1, { description: 'a second flush' });
    for (const flush of flushes.slice(1)) flush.done();
    await second;
    await waitFor(() => seen.length === 2, { description: 'the second record delivered' });
    expect(seen).toEqual(['first', 'second']);
    const closing = subscription.close();
    // Later flushes (the consumer's, its offset commits) complete at once from here on.
    const drain = setInterval(() => {
      for (const flush of flushes.splice(0)) flush.done();
    }, 5);
    await closing;
    await bus.close();
    clearInterval(drain);
  });

  it('refuses every write after a failed WAL flush, without retry, and acknowledges none of it', async () => {
    const bus = new EmbeddedBus({
      path: join(dir, 'flush-fails.sqlite'),
      logger,
      syncWal: () => Promise.reject(new Error('EIO: i/o error, fsync')),
    });
    await bus.start([{ name: 't', partitions: 1, replicationFactor: 1 }]);
    await expect(bus.publish('t', [{ key: 'k', value: 'v' }])).rejects.toMatchObject({
      name: 'BusError',
      retriable: false,
    });
    await expect(bus.publish('t', [{ key: 'k', value: 'later' }])).rejects.toThrow('EIO');
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
