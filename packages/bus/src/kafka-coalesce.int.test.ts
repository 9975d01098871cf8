import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { testKafkaBrokers, uniqueName } from '@sitrep/testkit';
import { coalesceLimit, KafkaBus } from './kafka-bus.js';

const { logger } = createMemoryLogger('error');

describe('KafkaBus coalescing within the bus message size', () => {
  it('stores concurrent publishes that each fit a small max.message.bytes, however many share a turn', async () => {
    // 40 records of about 1 KiB on one partition: coalesced into one produce request they would
    // make a 40 KiB batch, which a topic with max.message.bytes=16 KiB refuses for good.
    const maxMessageBytes = 16 * 1024;
    const bus = new KafkaBus({
      brokers: [testKafkaBrokers()],
      clientId: uniqueName('coalesce-limit'),
      publishTimeoutMs: 15_000,
      maxMessageBytes,
      logger,
    });
    const topic = uniqueName('coalesce-limit');
    try {
      await bus.start([
        { name: topic, partitions: 1, replicationFactor: 1, config: { 'max.message.bytes': String(maxMessageBytes) } },
      ]);
      const value = 'x'.repeat(1000);
      const publishes = Array.from({ length: 40 }, (_, index) =>
        bus.publish(topic, [{ key: 'k', value: `${index}:${value}`, partition: 0 }]),
      );
      await expect(Promise.all(publishes)).resolves.toHaveLength(40);
      // Concurrent publishes promise no order among themselves (two requests are in flight), only
      // that each is stored once.
      const stored = (await bus.readAll(topic)).map((message) => Number(message.value.split(':')[0]));
      expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index));
    } finally {
      await bus.close();
    }
  });
});

describe('coalesceLimit', () => {
  it('is 256 KiB under Kafka defaults, and a batch within a smaller max.message.bytes otherwise', () => {
    expect(coalesceLimit({})).toBe(256 * 1024);
    expect(coalesceLimit({ maxMessageBytes: 16 * 1024 })).toBe(16 * 1024 - 128);
    expect(coalesceLimit({ maxMessageBytes: 8 * 1024 * 1024 })).toBe(256 * 1024);
    expect(coalesceLimit({ coalesceBytes: 4096, maxMessageBytes: 16 * 1024 })).toBe(4096);
  });
});
