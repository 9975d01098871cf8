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

describe('KafkaBus: what retrying can and cannot fix', () => {
  const bus = (clientId: string, brokerList = brokers) =>
    new KafkaBus({ brokers: brokerList, clientId: uniqueName(clientId), publishTimeoutMs: 15_000, logger });

  it('fails a start with a topic config the cluster refuses as not retriable, naming the topic', async () => {
    const kafka = bus('bad-config');
    const topic = uniqueName('bad-config');
    try {
      const started = kafka.start([
        { name: topic, partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'sometimes' } },
      ]);
      await expect(started).rejects.toMatchObject({ name: 'BusError', errorClass: 'protocol', retriable: false });
      await expect(started).rejects.toThrow(`${topic}: Configuration is invalid`);
    } finally {
      await kafka.close();
    }
  });

  it("fails a publish of a record over the topic's max.message.bytes as not retriable", async () => {
    const kafka = bus('too-large');
    const topic = uniqueName('too-large');
    try {
      await kafka.start([
        { name: topic, partitions: 1, replicationFactor: 1, config: { 'max.message.bytes': '1024' } },
      ]);
      await expect(kafka.publish(topic, [{ key: 'k', value: 'x'.repeat(4096) }])).rejects.toMatchObject({
        name: 'BusError',
        errorClass: 'protocol',
        retriable: false,
      });
      // The same topic still takes a record that fits.
      await kafka.publish(topic, [{ key: 'k', value: 'small' }]);
    } finally {
      await kafka.close();
    }
  });

  it('fails a start against a broker that is not there as retriable', async () => {
    const kafka = bus('nobody', ['127.0.0.1:1']);
    try {
      await expect(kafka.start([])).rejects.toMatchObject({
        name: 'BusError',
        errorClass: 'connection',
        retriable: true,
      });
    } finally {
      await kafka.close();
    }
  });
});
