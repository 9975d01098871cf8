import { connect } from 'node:net';

/** One partition as the cluster's metadata describes it. */
export interface PartitionMetadata {
  readonly partition: number;
  /** -1 while it has no leader. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

// Metadata v4: the oldest version Kafka 4 still answers (KIP-896 removed v0-v3) and the newest
// without flexible (tagged) fields, so both sides are a handful of fixed-width fields.
const METADATA_API_KEY = 3;
const METADATA_VERSION = 4;
const CLIENT_ID = 'sitrep-testkit';

function metadataRequest(topics: readonly string[], correlationId: number): Buffer {
  const parts: Buffer[] = [];
  const int16 = (value: number) => {
    const buffer = Buffer.alloc(2);
    buffer.writeInt16BE(value);
    parts.push(buffer);
  };
  const int32 = (value: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(value);
    parts.push(buffer);
  };
  const text = (value: string) => {
    int16(Buffer.byteLength(value));
    parts.push(Buffer.from(value));
  };
  int16(METADATA_API_KEY);
  int16(METADATA_VERSION);
  int32(correlationId);
  text(CLIENT_ID);
  int32(topics.length);
  for (const topic of topics) text(topic);
  parts.push(Buffer.from([0])); // allow_auto_topic_creation: false
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

class Reader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}
  int8(): number {
    return this.buffer.readInt8((this.at += 1) - 1);
  }
  int16(): number {
    return this.buffer.readInt16BE((this.at += 2) - 2);
  }
  int32(): number {
    return this.buffer.readInt32BE((this.at += 4) - 4);
  }
  text(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    return this.buffer.toString('utf8', this.at, (this.at += length));
  }
  array<T>(item: () => T): T[] {
    const count = this.int32();
    return Array.from({ length: Math.max(0, count) }, item);
  }
}

function parseMetadata(response: Buffer, correlationId: number): Map<string, PartitionMetadata[]> {
  const read = new Reader(response);
  if (read.int32() !== correlationId) throw new Error('Kafka answered another request');
  read.int32(); // throttle_time_ms
  read.array(() => [read.int32(), read.text(), read.int32(), read.text()]); // brokers
  read.text(); // cluster_id
  read.int32(); // controller_id
  const topics = new Map<string, PartitionMetadata[]>();
  read.array(() => {
    const error = read.int16();
    const name = read.text() ?? '';
    read.int8(); // is_internal
    const partitions = read.array(() => {
      read.int16(); // a partition's error (LEADER_NOT_AVAILABLE) shows as leader -1
      const partition = read.int32();
      const leader = read.int32();
      const replicas = read.array(() => read.int32());
      const isr = read.array(() => read.int32());
      return { partition, leader, replicas, isr };
    });
    if (error !== 0) throw new Error(`Kafka metadata for ${name}: error code ${error}`);
    topics.set(
      name,
      partitions.sort((a, b) => a.partition - b.partition),
    );
  });
  return topics;
}

/** One Metadata request to one broker (`host:port`), answered or failed within `timeoutMs`. */
function askBroker(
  bootstrap: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<Map<string, PartitionMetadata[]>> {
  const colon = bootstrap.lastIndexOf(':');
  const host = bootstrap.slice(0, colon);
  const port = Number(bootstrap.slice(colon + 1));
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(
      () => socket.destroy(new Error(`no metadata from ${bootstrap} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(metadataRequest(topics, correlationId)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(parseMetadata(received.subarray(4, 4 + received.readInt32BE(0)), correlationId));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new Error(`${bootstrap} closed the connection`));
    });
  });
}

/**
 * The partitions of `topic` (leader, replicas, in-sync replicas) as the first broker of
 * `bootstraps` that answers describes them. A few bytes of Kafka's own protocol rather than a
 * client library: testkit sits below the bus package (whose tests use it), and the Kafka jars it
 * fetches hold no topic tool. A broker's answer reflects its metadata cache, which follows the
 * controller within moments.
 */
export async function describePartitions(
  bootstraps: readonly string[],
  topic: string,
  timeoutMs = 3000,
): Promise<PartitionMetadata[]> {
  const failures: string[] = [];
  for (const bootstrap of bootstraps) {
    try {
      const topics = await askBroker(bootstrap, [topic], timeoutMs);
      return topics.get(topic) ?? [];
    } catch (error) {
      failures.push(`${bootstrap}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no broker described ${topic}: ${failures.join('; ')}`);
}
