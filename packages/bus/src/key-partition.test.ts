import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionOfKey } from './key-partition.js';

const kafkajsPartition = (key: string, partitions: number): number =>
  kafkajs.Partitioners.DefaultPartitioner()({
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: 'v' },
  });

describe('partitionOfKey', () => {
  it("agrees with the producer's murmur2 partitioner for any key and partition count", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 64 }), (key, partitions) => {
        expect(partitionOfKey(key, partitions)).toBe(kafkajsPartition(key, partitions));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches values computed by the Java client', () => {
    // Utils.toPositive(Utils.murmur2("auth".getBytes(UTF_8))) % n, from Kafka's own tests' vectors:
    // murmur2("21") = -973932308, murmur2("foobar") = -790332482.
    expect(partitionOfKey('21', 1_000_000_007)).toBe((-973932308 & 0x7fffffff) % 1_000_000_007);
    expect(partitionOfKey('foobar', 1_000_000_007)).toBe((-790332482 & 0x7fffffff) % 1_000_000_007);
  });
});
