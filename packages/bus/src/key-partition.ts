/**
 * Murmur2 as Kafka's Java client computes it (org.apache.kafka.common.utils.Utils.murmur2), in
 * 32-bit integer arithmetic.
 */
function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data.readUInt8(whole + 2) << 16;
  if (rest >= 2) h ^= data.readUInt8(whole + 1) << 8;
  if (rest >= 1) {
    h ^= data.readUInt8(whole);
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/**
 * The partition Kafka's default partitioner (Java's, and kafkajs' DefaultPartitioner) gives a
 * keyed record among `partitions`: what a tool re-keying state must agree with.
 */
export function partitionOfKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
