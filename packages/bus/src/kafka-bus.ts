import kafkajs from 'kafkajs';
import type { Admin, Kafka, LogEntry, Message, Producer } from 'kafkajs';
import type { Logger } from '@sitrep/telemetry';
import type {
  Bus,
  BusReadiness,
  IncomingMessage,
  OutgoingMessageTo,
  SubscribeOptions,
  Subscription,
  TopicSpec,
  TransactionalWriter,
} from './bus.js';
import { BusError } from './bus-error.js';
import { toBusError } from './kafka-errors.js';
import { kafkaSecurityConfig, PLAINTEXT, type KafkaSecurity } from './kafka-security.js';
import { DEFAULT_DURABILITY, ensureTopics, type TopicDurability } from './kafka-topics.js';
import { readPartitions } from './kafka-read.js';
import { subscribeGroup } from './kafka-subscribe.js';
import { openKafkaTransactionalWriter } from './kafka-transactions.js';
import { ProduceCoalescer } from './produce-coalescer.js';
import { InFlight, withTimeout } from './timeout.js';

const { Kafka: KafkaClient, Partitioners, logLevel } = kafkajs;

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Bound on one publish, retries included; past it the caller gets a retriable BusError. */
  readonly publishTimeoutMs: number;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** TLS and SASL; plaintext without authentication when absent. */
  readonly security?: KafkaSecurity;
  /** What start() creates topics with and requires of existing ones. */
  readonly durability?: TopicDurability;
  readonly logger: Logger;
  /**
   * Concurrent publishes to a topic share produce requests (see ProduceCoalescer): this many in
   * flight per topic at most (default 2), each of at most `coalesceBytes` of records (default
   * 256 KiB; a larger publish goes alone), and never more than one batch within
   * `maxMessageBytes` takes.
   */
  readonly maxInFlightPerTopic?: number;
  readonly coalesceBytes?: number;
  /**
   * The topics' max.message.bytes (SITREP_BUS_MAX_MESSAGE_BYTES; Kafka's default, 1 MiB, when
   * absent). The broker refuses a partition's batch over it for good, so publishes that each fit
   * must not be coalesced into one that does not.
   */
  readonly maxMessageBytes?: number;
}

const DEFAULT_IN_FLIGHT_PER_TOPIC = 2;
const DEFAULT_COALESCE_BYTES = 256 * 1024;
const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** A record batch's own header (61 bytes in format v2), rounded up as alert-ingest's planPublish does. */
const BATCH_OVERHEAD_BYTES = 128;

/**
 * The bytes of records one coalesced produce request carries at most: `coalesceBytes`, but no
 * more than fits in one batch under `maxMessageBytes`. Counting the whole request against the
 * limit is conservative (its records are spread over partitions, one batch each), and exact when
 * they all go to one partition.
 */
export function coalesceLimit(options: Pick<KafkaBusOptions, 'coalesceBytes' | 'maxMessageBytes'>): number {
  const room = (options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) - BATCH_OVERHEAD_BYTES;
  return Math.max(1, Math.min(options.coalesceBytes ?? DEFAULT_COALESCE_BYTES, room));
}

/** A record's bytes as the coalescer counts them against coalesceBytes: key, value and headers. */
function messageBytes(message: OutgoingMessageTo): number {
  let bytes = 32 + Buffer.byteLength(message.key) + (message.value === null ? 0 : Buffer.byteLength(message.value));
  if (message.headers) {
    for (const name in message.headers) bytes += 10 + name.length + Buffer.byteLength(message.headers[name] ?? '');
  }
  return bytes;
}

const READINESS_CACHE_MS = 2000;

/**
 * The Kafka adapter. Publishes with acks=all and does NOT use kafkajs' idempotent producer: it
 * has known bugs with concurrent sends (kafkajs #1005, #598). Duplicates from retries are instead
 * harmless because every record carries a stable id header that consumers de-duplicate on.
 */
export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly logger: Logger;
  private readonly inFlight = new InFlight();
  private readonly subscriptions = new Set<Subscription>();
  private readonly coalescers = new Map<string, ProduceCoalescer<Message>>();
  private started = false;
  private closing = false;
  private lastReadiness: { at: number; value: BusReadiness } | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.logger = options.logger.child({ component: 'kafka' });
    const logger = this.logger;
    this.kafka = new KafkaClient({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...kafkaSecurityConfig(options.security ?? PLAINTEXT),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 10000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, namespace, log }: LogEntry) => {
          const { message, ...fields } = log;
          const method = level <= logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'debug';
          logger[method](message, { ...fields, namespace });
        },
    });
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: false,
      // Java's murmur2 partitioner, so Sitrep and Java clients agree on key -> partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  async start(topics: readonly TopicSpec[]): Promise<void> {
    try {
      await this.producer.connect();
      await this.admin.connect();
      await ensureTopics(this.admin, topics, this.options.durability ?? DEFAULT_DURABILITY, this.logger);
      this.started = true;
    } catch (error) {
      throw toBusError(error, 'cannot start the Kafka bus');
    }
  }

  publish(topic: string, messages: readonly OutgoingMessageTo[]): Promise<void> {
    if (this.closing) return Promise.reject(new BusError('the bus is closing', 'closed', true));
    if (!this.started) return Promise.reject(new BusError('not connected to Kafka yet', 'not_ready', true));
    if (messages.length === 0) return Promise.resolve();
    let bytes = 0;
    const records = messages.map((message): Message => {
      bytes += messageBytes(message);
      return {
        key: message.key,
        value: message.value,
        headers: { ...message.headers },
        ...(message.partition === undefined ? {} : { partition: message.partition }),
      };
    });
    const send = this.coalescer(topic).publish(records, bytes);
    // A send that outlives the timeout may still land; the caller's retry then makes a duplicate,
    // which consumers drop by id. Losing an alert would be worse than repeating one.
    return this.inFlight.track(
      withTimeout(
        send,
        this.options.publishTimeoutMs,
        () => new BusError(`Kafka did not acknowledge within ${this.options.publishTimeoutMs} ms`, 'timeout', true),
      ).catch((error: unknown) => {
        throw toBusError(error, `publish to ${topic} failed`);
      }),
    );
  }

  /** One per topic: a produce request that fails (an unknown topic) fails only its topic's callers. */
  private coalescer(topic: string): ProduceCoalescer<Message> {
    let coalescer = this.coalescers.get(topic);
    if (!coalescer) {
      coalescer = new ProduceCoalescer<Message>({
        send: (records) =>
          this.producer
            .send({ topic, acks: -1, timeout: this.options.requestTimeoutMs ?? 10000, messages: [...records] })
            .then(() => undefined),
        maxInFlight: this.options.maxInFlightPerTopic ?? DEFAULT_IN_FLIGHT_PER_TOPIC,
        maxBytes: coalesceLimit(this.options),
      });
      this.coalescers.set(topic, coalescer);
    }
    return coalescer;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const subscription = await subscribeGroup(this.kafka, this.admin, this.logger, options);
    this.subscriptions.add(subscription);
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  readAll(topic: string): Promise<IncomingMessage[]> {
    return readPartitions(this.kafka, this.admin, this.options.clientId, topic);
  }

  readPartition(topic: string, partition: number): Promise<IncomingMessage[]> {
    return readPartitions(this.kafka, this.admin, this.options.clientId, topic, [partition]);
  }

  transactionalWriter(id: string): Promise<TransactionalWriter> {
    if (this.closing) return Promise.reject(new BusError('the bus is closing', 'closed', true));
    return openKafkaTransactionalWriter({
      kafka: this.kafka,
      id,
      commitTimeoutMs: this.options.publishTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs ?? 10000,
    });
  }

  /**
   * Deletes topics, e.g. the throw-away ones of a replay; topics that do not exist are skipped.
   * Not on the Bus port: services never delete topics, only tools that made them up do.
   */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    try {
      await this.admin.connect();
      const existing = new Set(await this.admin.listTopics());
      const doomed = topics.filter((topic) => existing.has(topic));
      if (doomed.length > 0) await this.admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    } catch (error) {
      throw toBusError(error, `cannot delete topics ${topics.join(', ')}`);
    }
  }

  /**
   * Grows a topic to `partitions` (Kafka never shrinks one); a topic that has as many is left.
   * Not on the Bus port: only `sitrep migrate` grows a state topic, after the alerts topic grew.
   */
  async growPartitions(topic: string, partitions: number): Promise<void> {
    try {
      if ((await this.partitionCount(topic)) >= partitions) return;
      await this.admin.createPartitions({ topicPartitions: [{ topic, count: partitions }], validateOnly: false });
    } catch (error) {
      throw toBusError(error, `cannot grow ${topic} to ${partitions} partitions`);
    }
  }

  async earliestOffset(topic: string, partition: number): Promise<bigint> {
    try {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      const found = offsets.find((entry) => entry.partition === partition);
      if (!found) throw new BusError(`${topic} has no partition ${partition}`, 'protocol', false);
      return BigInt(found.low);
    } catch (error) {
      throw toBusError(error, `cannot find the earliest offset of ${topic}/${partition}`);
    }
  }

  async partitionCount(topic: string): Promise<number> {
    try {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
      return metadata.topics[0]?.partitions.length ?? 0;
    } catch (error) {
      throw toBusError(error, `cannot describe ${topic}`);
    }
  }

  async readiness(): Promise<BusReadiness> {
    if (!this.started) return { ready: false, detail: 'connecting to Kafka' };
    const cached = this.lastReadiness;
    if (cached && Date.now() - cached.at < READINESS_CACHE_MS) return cached.value;
    let value: BusReadiness;
    try {
      const cluster = await withTimeout(this.admin.describeCluster(), 2000, () => new Error('timed out'));
      value = { ready: true, detail: `Kafka cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)` };
    } catch (error) {
      value = { ready: false, detail: `Kafka unreachable: ${(error as Error).message}` };
    }
    this.lastReadiness = { at: Date.now(), value };
    return value;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.inFlight.drain();
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
