import kafkajs from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import type { ConsumedPosition, TopicWrite, TransactionalWriter } from './bus.js';
import { BusError } from './bus-error.js';
import { toBusError } from './kafka-errors.js';
import { withTimeout } from './timeout.js';

const { Partitioners } = kafkajs;

/**
 * Messages per produce call. kafkajs groups a call's messages by partition copying the group's
 * array per message, quadratic in the call's size: 4,000 state parts of one partition cost 19 ms
 * that way, 1,000 cost 3 ms, and the extra round trips of smaller calls cost less than that.
 */
const MESSAGES_PER_SEND = 1000;

/** Kafka's answers when a newer producer with our transactional id exists (or the broker aborted ours). */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

function isFenced(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; depth += 1) {
    const { type, originalError } = current as Error & { type?: unknown; originalError?: unknown };
    if (typeof type === 'string' && FENCED.has(type)) return true;
    current = originalError ?? current.cause;
  }
  return false;
}

export interface KafkaTransactionalWriterOptions {
  readonly kafka: Kafka;
  readonly id: string;
  /** Bound on one commit; past it the commit fails with a retriable BusError and is aborted. */
  readonly commitTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * A Kafka transactional producer. It does not use kafkajs' idempotent producer concurrently (its
 * bugs, kafkajs #1005 and #598, are with concurrent sends): commits run one at a time and each
 * transaction sends its requests in order. Opening initialises the producer id, which bumps the
 * id's epoch at the coordinator: any earlier producer with that id is fenced and its open
 * transaction aborted, so read_committed readers never see a zombie's half.
 */
export async function openKafkaTransactionalWriter(
  options: KafkaTransactionalWriterOptions,
): Promise<TransactionalWriter> {
  const { id } = options;
  let producer: Producer | undefined;
  let fenced = false;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const open = async (): Promise<Producer> => {
    const created = options.kafka.producer({
      transactionalId: id,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      transactionTimeout: Math.max(60_000, options.commitTimeoutMs * 2),
      // Java's murmur2 partitioner, as every other Sitrep producer.
      createPartitioner: Partitioners.DefaultPartitioner,
      // After a commit the coordinator writes its markers before it takes the next transaction's
      // partitions, answering CONCURRENT_TRANSACTIONS until then (a few ms). The client's 200 ms
      // first retry made that wait most of each transaction; Java's client retries it after 20 ms.
      // Retries are not bounded by count: the commit timeout bounds them.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10, maxRetryTime: 1000 },
    });
    try {
      await created.connect();
      // kafkajs initialises the producer id with the first transaction: do it now, to fence.
      await (await created.transaction()).abort();
    } catch (error) {
      await created.disconnect().catch(() => undefined);
      throw error;
    }
    return created;
  };

  const fail = (error: unknown): never => {
    if (isFenced(error)) {
      fenced = true;
      throw new BusError(`writer ${id} was fenced by a newer one with the same id`, 'fenced', false, { cause: error });
    }
    throw toBusError(error, `transaction of writer ${id} failed`);
  };

  const attempt = async (writes: readonly TopicWrite[], position?: ConsumedPosition): Promise<void> => {
    producer ??= await open();
    const transaction = await producer.transaction();
    try {
      for (const write of writes) {
        for (let from = 0; from < write.messages.length; from += MESSAGES_PER_SEND) {
          await transaction.send({
            topic: write.topic,
            acks: -1,
            timeout: options.requestTimeoutMs,
            messages: write.messages.slice(from, from + MESSAGES_PER_SEND).map((message) => ({
              key: message.key,
              value: message.value,
              headers: { ...message.headers },
              ...(message.partition === undefined ? {} : { partition: message.partition }),
            })),
          });
        }
      }
      if (position) {
        await transaction.sendOffsets({
          consumerGroupId: position.groupId,
          topics: [
            {
              topic: position.topic,
              partitions: [{ partition: position.partition, offset: String(position.nextOffset) }],
            },
          ],
        });
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  };

  const commit = (writes: readonly TopicWrite[], position?: ConsumedPosition): Promise<void> => {
    const run = async (): Promise<void> => {
      if (closed) throw new BusError(`writer ${id} is closed`, 'closed', false);
      if (fenced) throw new BusError(`writer ${id} was fenced by a newer one with the same id`, 'fenced', false);
      const pending = attempt(writes, position);
      try {
        await withTimeout(
          pending,
          options.commitTimeoutMs,
          () => new BusError(`Kafka did not commit within ${options.commitTimeoutMs} ms`, 'timeout', true),
        );
      } catch (error) {
        // A producer whose transaction failed half-way (or is still running) is not reused: the
        // next commit opens a new one under the same id, which aborts whatever this one left.
        // It is disconnected at once rather than after its own retries give up: left running, it
        // keeps sending for a transaction the coordinator is aborting, and the new producer's
        // initialisation meets CONCURRENT_TRANSACTIONS for as long.
        const broken = producer;
        producer = undefined;
        void pending.catch(() => undefined);
        void broken?.disconnect().catch(() => undefined);
        if (error instanceof BusError) throw error;
        fail(error);
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };

  try {
    producer = await open();
  } catch (error) {
    fail(error);
  }
  return {
    id,
    commit,
    close: async () => {
      closed = true;
      await queue;
      await producer?.disconnect().catch(() => undefined);
      producer = undefined;
    },
  };
}
