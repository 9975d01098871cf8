import { expect, it } from 'vitest';
import { uniqueName } from '@sitrep/testkit';
import type { Bus } from './bus.js';

/**
 * Publishing under concurrency, part of the Bus contract (bus.contract.ts calls it): adapters may
 * coalesce concurrent publishes into shared writes (Kafka produce requests, SQLite commits), but
 * each publish still resolves only once its own records are stored, keeps its records in order,
 * and fails or succeeds on its own.
 */
export function publishContract(newBus: () => Bus): void {
  it('acknowledges each of many concurrent publishes once its own records are stored, in order', async () => {
    const bus = newBus();
    const topic = uniqueName('contract-concurrent');
    await bus.start([{ name: topic, partitions: 3, replicationFactor: -1 }]);
    const publishes = Array.from({ length: 60 }, (_, publish) =>
      Array.from({ length: 5 }, (_, index) => ({
        key: `key-${publish % 7}`,
        value: JSON.stringify({ publish, index }),
        headers: { 'sitrep-id': `id-${publish}-${index}` },
      })),
    );
    const outcomes = await Promise.allSettled(publishes.map((messages) => bus.publish(topic, messages)));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const stored = await bus.readAll(topic);
    expect(stored).toHaveLength(300);
    const values = stored.map((message) => JSON.parse(message.value) as { publish: number; index: number });
    for (let publish = 0; publish < publishes.length; publish += 1) {
      // Its records, as they lie on their partition: all there, in the order it gave them.
      const own = values.filter((value) => value.publish === publish).map((value) => value.index);
      expect(own).toEqual([0, 1, 2, 3, 4]);
    }
    const headers = stored.find((message) => message.value === JSON.stringify({ publish: 3, index: 2 }))?.headers;
    expect(headers?.['sitrep-id']).toBe('id-3-2');
  });

  it('fails a publish to a topic that does not exist without failing the concurrent ones', async () => {
    const bus = newBus();
    const topic = uniqueName('contract-concurrent-ok');
    await bus.start([{ name: topic, partitions: 1, replicationFactor: -1 }]);
    const good = Array.from({ length: 20 }, (_, index) => bus.publish(topic, [{ key: 'k', value: `good-${index}` }]));
    const bad = bus.publish(uniqueName('contract-never-created'), [{ key: 'k', value: 'lost' }]);
    const more = Array.from({ length: 20 }, (_, index) => bus.publish(topic, [{ key: 'k', value: `more-${index}` }]));
    await expect(bad).rejects.toMatchObject({ name: 'BusError' });
    await expect(Promise.all([...good, ...more])).resolves.toBeDefined();
    // Concurrent publishes promise no order among themselves, only that each is stored.
    const stored = (await bus.readAll(topic)).map((message) => message.value).sort();
    const expected = [...Array.from({ length: 20 }, (_, index) => [`good-${index}`, `more-${index}`])].flat().sort();
    expect(stored).toEqual(expected);
  });
}
