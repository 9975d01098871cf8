import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { startKafkaBroker, testKafkaBrokers, uniqueName } from '@sitrep/testkit';
import { describeBusContract } from './bus.contract.js';
import { KafkaBus } from './kafka-bus.js';

const brokers = [testKafkaBrokers()];
const { logger } = createMemoryLogger('error');

describeBusContract(
  'kafka',
  () => new KafkaBus({ brokers, clientId: uniqueName('contract'), publishTimeoutMs: 15_000, logger }),
);

describe('KafkaBus against a broker that goes away', () => {
  it('fails publishes with a retriable error within the timeout, and recovers when the broker returns', async () => {
    const broker = await startKafkaBroker();
    const bus = new KafkaBus({ brokers: [broker.bootstrap], clientId: 'outage', publishTimeoutMs: 3000, logger });
    try {
      const topic = uniqueName('outage');
      await bus.start([{ name: topic, partitions: 1, replicationFactor: 1 }]);
      await bus.publish(topic, [{ key: 'k', value: 'before' }]);

      await broker.stop();
      await expect(bus.publish(topic, [{ key: 'k', value: 'during' }])).rejects.toMatchObject({
        name: 'BusError',
        retriable: true,
      });
      expect((await bus.readiness()).ready).toBe(false);

      await broker.start();
      // The producer reconnects on its own; the first sends may still hit stale connections.
      let recovered = false;
      for (let attempt = 0; attempt < 20 && !recovered; attempt += 1) {
        recovered = await bus.publish(topic, [{ key: 'k', value: 'after' }]).then(
          () => true,
          () => false,
        );
      }
      expect(recovered).toBe(true);
    } finally {
      await bus.close();
      await broker.close();
    }
  });
});
