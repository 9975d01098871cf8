import { afterEach, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '@sitrep/testkit';
import type { Bus, IncomingMessage, Subscription } from './bus.js';
import { publishContract } from './publish.contract.js';

/**
 * The behaviour every Bus adapter must share; run against the embedded transport and real Kafka.
 * `makeBus` returns a fresh, not yet started bus (each call may share storage with earlier ones,
 * as a restarted process would).
 */
export function describeBusContract(name: string, makeBus: () => Bus): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    const subscriptions: Subscription[] = [];
    const newBus = (): Bus => {
      const bus = makeBus();
      open.push(bus);
      return bus;
    };
    const topicSpec = (topic: string) => ({ name: topic, partitions: 1, replicationFactor: -1 });
    const collect = async (bus: Bus, groupId: string, topics: string[], into: IncomingMessage[]) => {
      const subscription = await bus.subscribe({
        groupId,
        topics,
        fromBeginning: true,
        eachMessage: (message) => {
          into.push(message);
          return Promise.resolve();
        },
      });
      subscriptions.push(subscription);
      return subscription;
    };

    afterEach(async () => {
      await Promise.allSettled(subscriptions.splice(0).map((subscription) => subscription.close()));
      await Promise.allSettled(open.splice(0).map((bus) => bus.close()));
    });

    publishContract(newBus);

    it('creates topics idempotently and reports ready', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-topics');
      await bus.start([topicSpec(topic)]);
      await bus.start([topicSpec(topic)]);
      expect((await bus.readiness()).ready).toBe(true);
    });

    it('delivers published messages in order with key, value and headers', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-order');
      await bus.start([topicSpec(topic)]);
      const sent = Array.from({ length: 25 }, (_, index) => ({
        key: 'auth',
        value: JSON.stringify({ index }),
        headers: { 'sitrep-id': `id-${index}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      }));
      await bus.publish(topic, sent.slice(0, 10));
      await bus.publish(topic, sent.slice(10));
      const received: IncomingMessage[] = [];
      await collect(bus, uniqueName('group'), [topic], received);
      await waitFor(() => received.length >= 25, { description: '25 messages' });
      expect(received.map((message) => message.value)).toEqual(sent.map((message) => message.value));
      expect(received[3]).toMatchObject({ topic, key: 'auth', headers: sent[3]!.headers });
      expect(received[3]!.timestamp).toBeInstanceOf(Date);
    });

    it('gives each consumer group its own copy', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-groups');
      await bus.start([topicSpec(topic)]);
      await bus.publish(topic, [
        { key: 'k', value: 'one' },
        { key: 'k', value: 'two' },
      ]);
      const first: IncomingMessage[] = [];
      const second: IncomingMessage[] = [];
      await collect(bus, uniqueName('group-a'), [topic], first);
      await collect(bus, uniqueName('group-b'), [topic], second);
      await waitFor(() => first.length === 2 && second.length === 2, { description: 'both groups' });
      expect(second.map((message) => message.value)).toEqual(['one', 'two']);
    });

    it('resumes a group after its committed offset, also from a new bus instance', async () => {
      const topic = uniqueName('contract-resume');
      const groupId = uniqueName('group');
      const bus = newBus();
      await bus.start([topicSpec(topic)]);
      await bus.publish(topic, [
        { key: 'k', value: 'before-1' },
        { key: 'k', value: 'before-2' },
      ]);
      const seen: IncomingMessage[] = [];
      const subscription = await collect(bus, groupId, [topic], seen);
      await waitFor(() => seen.length === 2, { description: 'first two messages' });
      await subscription.close();
      await bus.close();

      const restarted = newBus();
      await restarted.start([topicSpec(topic)]);
      await restarted.publish(topic, [{ key: 'k', value: 'after' }]);
      const later: IncomingMessage[] = [];
      await collect(restarted, groupId, [topic], later);
      await waitFor(() => later.length >= 1, { description: 'the message published after the restart' });
      expect(later.map((message) => message.value)).toEqual(['after']);
    });

    it('redelivers a message whose handler failed (at-least-once)', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-retry');
      await bus.start([topicSpec(topic)]);
      await bus.publish(topic, [{ key: 'k', value: 'flaky' }]);
      let attempts = 0;
      const subscription = await bus.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        fromBeginning: true,
        eachMessage: () => {
          attempts += 1;
          return attempts === 1 ? Promise.reject(new Error('store unavailable')) : Promise.resolve();
        },
      });
      subscriptions.push(subscription);
      await waitFor(() => attempts >= 2, { description: 'a second delivery', timeoutMs: 60_000 });
    });

    // A failure the transport deems final (a non-retriable error, a TypeError from a bug, or
    // kafkajs giving up on finding the group coordinator) must not leave the subscription dead
    // while the process looks healthy: the batch is delivered again, and later messages too.
    it('keeps delivering after a handler failure the transport deems final', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-final');
      await bus.start([topicSpec(topic)]);
      await bus.publish(topic, [{ key: 'k', value: 'first' }]);
      const seen: string[] = [];
      const subscription = await bus.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        fromBeginning: true,
        eachMessage: (message) => {
          seen.push(message.value);
          if (seen.length === 1) return Promise.reject(Object.assign(new TypeError('a bug'), { retriable: false }));
          return Promise.resolve();
        },
      });
      subscriptions.push(subscription);
      await waitFor(() => seen.length >= 2, { description: 'the batch delivered again', timeoutMs: 60_000 });
      await bus.publish(topic, [{ key: 'k', value: 'second' }]);
      await waitFor(() => seen.includes('second'), { description: 'a later message', timeoutMs: 60_000 });
      expect(seen.slice(0, 2)).toEqual(['first', 'first']);
    });

    it('delivers batches in order and tells the member its partitions before the first batch', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-batch');
      await bus.start([{ name: topic, partitions: 2, replicationFactor: -1 }]);
      const count = await bus.partitionCount(topic);
      expect(count).toBeGreaterThanOrEqual(1);
      await bus.publish(
        topic,
        Array.from({ length: 30 }, (_, index) => ({ key: `k${index % 3}`, value: String(index) })),
      );
      const events: string[] = [];
      const byKey = new Map<string, string[]>();
      subscriptions.push(
        await bus.subscribe({
          groupId: uniqueName('group'),
          topics: [topic],
          fromBeginning: true,
          onAssignment: (partitions) => {
            events.push(`assigned ${partitions.map((p) => p.partition).join(',')}`);
            return Promise.resolve();
          },
          eachBatch: (messages) => {
            events.push('batch');
            for (const message of messages)
              byKey.set(message.key ?? '', [...(byKey.get(message.key ?? '') ?? []), message.value]);
            return Promise.resolve();
          },
        }),
      );
      await waitFor(() => [...byKey.values()].flat().length === 30, { description: '30 messages in batches' });
      expect(events[0]).toBe(`assigned ${Array.from({ length: count }, (_, index) => index).join(',')}`);
      // Order per key holds: a key always maps to one partition.
      expect(byKey.get('k0')).toEqual(['0', '3', '6', '9', '12', '15', '18', '21', '24', '27']);
    });

    it('reads a whole topic up to its current end, and a compacted topic keeps the latest value per key', async () => {
      const bus = newBus();
      const table = uniqueName('contract-table');
      await bus.start([{ name: table, partitions: 1, replicationFactor: -1, config: { 'cleanup.policy': 'compact' } }]);
      expect(await bus.readAll(table)).toEqual([]);
      await bus.publish(table, [
        { key: 'p0', value: 'v1' },
        { key: 'p1', value: 'w1' },
      ]);
      await bus.publish(table, [{ key: 'p0', value: 'v2', partition: 0 }]);
      const rows = await bus.readAll(table);
      const latest = new Map(rows.map((row) => [row.key, row.value]));
      expect(latest).toEqual(
        new Map([
          ['p0', 'v2'],
          ['p1', 'w1'],
        ]),
      );
      // Messages come in offset order, so the last one per key is the latest.
      expect(rows.at(-1)?.value).toBe('v2');
    });

    it('says which offset a partition starts at', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-earliest');
      await bus.start([topicSpec(topic)]);
      await bus.publish(topic, [{ key: 'k', value: 'first' }]);
      expect(await bus.earliestOffset(topic, 0)).toBe(0n);
    });

    it('deletes a key of a compacted topic with a tombstone', async () => {
      const bus = newBus();
      const table = uniqueName('contract-tombstone');
      await bus.start([{ name: table, partitions: 1, replicationFactor: -1, config: { 'cleanup.policy': 'compact' } }]);
      await bus.publish(table, [
        { key: 'gone', value: 'v1' },
        { key: 'kept', value: 'w1' },
      ]);
      await bus.publish(table, [{ key: 'gone', value: null }]);
      // Until compaction runs, Kafka still serves the tombstone (flagged); the embedded bus drops the key at once.
      const latest = new Map<string, string>();
      for (const row of await bus.readPartition(table, 0)) {
        if (row.tombstone) latest.delete(row.key ?? '');
        else latest.set(row.key ?? '', row.value);
      }
      expect(latest).toEqual(new Map([['kept', 'w1']]));
    });

    it("commits a transaction's writes and the group position together; a handler-committed group resumes there", async () => {
      const bus = newBus();
      const input = uniqueName('contract-tx-in');
      const output = uniqueName('contract-tx-out');
      const table = uniqueName('contract-tx-table');
      const groupId = uniqueName('group');
      await bus.start([
        topicSpec(input),
        topicSpec(output),
        { name: table, partitions: 1, replicationFactor: -1, config: { 'cleanup.policy': 'compact' } },
      ]);
      await bus.publish(
        input,
        ['a', 'b', 'c', 'd'].map((value) => ({ key: 'k', value })),
      );
      const writer = await bus.transactionalWriter(uniqueName('writer'));
      const processed: string[] = [];
      // Only the first two are committed: the other two must come again to the group's next member.
      const consume = () =>
        bus.subscribe({
          groupId,
          topics: [input],
          fromBeginning: true,
          commits: 'handler',
          eachMessage: async (message) => {
            processed.push(message.value);
            if (processed.length > 2) return;
            await writer.commit(
              [
                { topic: output, messages: [{ key: 'k', value: message.value.toUpperCase() }] },
                { topic: table, messages: [{ key: 'position', value: message.offset, partition: 0 }] },
              ],
              { groupId, topic: input, partition: message.partition, nextOffset: BigInt(message.offset) + 1n },
            );
          },
        });
      const first = await consume();
      await waitFor(() => processed.length >= 4, { description: 'all four delivered once' });
      await first.close();
      expect((await bus.readAll(output)).map((message) => message.value)).toEqual(['A', 'B']);
      expect((await bus.readAll(table)).at(-1)?.value).toBe((await bus.readAll(input))[1]?.offset);

      processed.length = 0;
      const second = await consume();
      subscriptions.push(second);
      await waitFor(() => processed.length >= 2, { description: 'the uncommitted two again' });
      expect(processed.slice(0, 2)).toEqual(['c', 'd']);
      await writer.close();
    });

    it('fences an older writer with the same id: its commit fails for good and writes nothing', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-fence');
      await bus.start([topicSpec(topic)]);
      const id = uniqueName('writer');
      const zombie = await bus.transactionalWriter(id);
      await zombie.commit([{ topic, messages: [{ key: 'k', value: 'before' }] }]);
      const successor = await bus.transactionalWriter(id);
      await expect(zombie.commit([{ topic, messages: [{ key: 'k', value: 'zombie' }] }])).rejects.toMatchObject({
        name: 'BusError',
        errorClass: 'fenced',
        retriable: false,
      });
      await successor.commit([{ topic, messages: [{ key: 'k', value: 'after' }] }]);
      // A commit returns once the coordinator has decided it; its markers follow a moment later
      // (on Kafka as with Java's client), and read_committed readers see it from then on.
      let values: string[] = [];
      await waitFor(
        async () => {
          values = (await bus.readAll(topic)).map((message) => message.value);
          return values.length >= 2;
        },
        { description: 'the successor commit visible' },
      );
      expect(values).toEqual(['before', 'after']);
      await Promise.all([zombie.close(), successor.close()]);
    });

    it('forgets an ephemeral group on close: the same group id starts from the beginning again', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-ephemeral');
      const groupId = uniqueName('group');
      await bus.start([topicSpec(topic)]);
      await bus.publish(topic, [{ key: 'k', value: 'only' }]);
      for (let round = 0; round < 2; round += 1) {
        const seen: IncomingMessage[] = [];
        const subscription = await bus.subscribe({
          groupId,
          topics: [topic],
          fromBeginning: true,
          ephemeral: true,
          eachMessage: (message) => {
            seen.push(message);
            return Promise.resolve();
          },
        });
        await waitFor(() => seen.length === 1, { description: `round ${round}` });
        await subscription.close();
      }
    });

    it('refuses to publish after close with a retriable error', async () => {
      const bus = newBus();
      const topic = uniqueName('contract-closed');
      await bus.start([topicSpec(topic)]);
      await bus.close();
      await expect(bus.publish(topic, [{ key: 'k', value: 'late' }])).rejects.toMatchObject({
        name: 'BusError',
        retriable: true,
      });
    });
  });
}
