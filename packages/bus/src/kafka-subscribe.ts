import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@sitrep/telemetry';
import type { BatchPosition, IncomingMessage, SubscribeOptions, Subscription } from './bus.js';
import { toBusError } from './kafka-errors.js';
import { toIncoming } from './kafka-read.js';

/** While a batch waits for the assignment hook (restoring state), the member keeps heartbeating. */
const HEARTBEAT_WHILE_WAITING_MS = 1000;
/** How long a replaced member waits before joining again: doubles per failed start, up to the cap. */
const REPLACE_BACKOFF_MS = { first: 1000, max: 30_000 };
/**
 * What one fetch may bring of a partition for a batch handler. A batch handler pays a fixed cost
 * per batch (the correlator and the recorder one transaction each), so fewer, larger batches are
 * what lets them keep up with a storm; kafkajs' 1 MiB default made about 1,000 alerts a batch.
 */
const BATCH_FETCH_BYTES = { perPartition: 8 * 1024 * 1024, total: 32 * 1024 * 1024 };

/**
 * One group subscription that stays a member for as long as it is open. kafkajs restarts a
 * crashed consumer only when the cause is retriable; a non-retriable one ("failed to find group
 * coordinator" after brokers restart, kafkajs #1630) leaves it stopped for good while the
 * process looks healthy, and its partitions unread. Such a member is replaced here by a new
 * consumer of the same group, which resumes from the group's committed position.
 */
export async function subscribeGroup(
  kafka: Kafka,
  admin: Admin,
  logger: Logger,
  options: SubscribeOptions,
): Promise<Subscription> {
  const member = new GroupMembership(kafka, logger, options);
  await member.join();
  return {
    close: async () => {
      await member.close();
      if (options.ephemeral) await admin.deleteGroups([options.groupId]).catch(() => undefined);
    },
  };
}

class GroupMembership {
  private consumer: Consumer | undefined;
  private replacing: NodeJS.Timeout | undefined;
  private backoffMs = REPLACE_BACKOFF_MS.first;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: SubscribeOptions,
  ) {}

  /** Joins with a new consumer; throws (as a BusError) when it cannot, leaving nothing behind. */
  async join(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // A handler that keeps failing (the store or Kafka itself away) must not leave the group
      // dead: restart, and the uncommitted batch is delivered again.
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(true) },
      ...(this.options.eachBatch
        ? { maxBytesPerPartition: BATCH_FETCH_BYTES.perPartition, maxBytes: BATCH_FETCH_BYTES.total }
        : {}),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || this.closed || this.consumer !== consumer) return;
      this.logger.error('consumer stopped after a non-retriable error; replacing it', {
        groupId: this.options.groupId,
        error: event.payload.error,
        retryInMs: this.backoffMs,
      });
      this.scheduleReplacement(consumer);
    });
    const assignment = this.watchAssignments(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
      await consumer.run({
        // Handler commits go through a transaction; the member only resolves offsets in memory.
        autoCommit: this.options.commits !== 'handler',
        eachBatch: async (payload) => {
          await heartbeatUntil(assignment(), () => payload.heartbeat());
          const { batch } = payload;
          const caughtUp = BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark);
          await this.handleBatch(
            batch.messages.map((message) => toIncoming(batch.topic, batch.partition, message)),
            { caughtUp },
          );
          this.backoffMs = REPLACE_BACKOFF_MS.first;
          await payload.heartbeat();
        },
      });
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw toBusError(error, `cannot subscribe group ${this.options.groupId}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.replacing);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private scheduleReplacement(stopped: Consumer): void {
    clearTimeout(this.replacing);
    const waitMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, REPLACE_BACKOFF_MS.max);
    this.replacing = setTimeout(() => {
      if (this.closed) return;
      void stopped
        .disconnect()
        .catch(() => undefined)
        .then(() => this.join())
        .then(() => this.logger.info('consumer replaced', { groupId: this.options.groupId }))
        .catch((error: unknown) => {
          this.logger.warn('could not replace the consumer yet', {
            groupId: this.options.groupId,
            error: error as Error,
          });
          if (!this.closed) this.scheduleReplacement(stopped);
        });
    }, waitMs);
  }

  /** Batches wait until the assignment hook has run for the current generation. */
  private watchAssignments(consumer: Consumer): () => Promise<void> {
    let assigned: Promise<void> = Promise.resolve();
    const onAssignment = this.options.onAssignment;
    if (onAssignment) {
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const partitions = Object.entries(event.payload.memberAssignment).flatMap(([topic, numbers]) =>
          numbers.map((partition) => ({ topic, partition })),
        );
        assigned = onAssignment(partitions);
        // Awaited by the next batch, which then fails and is retried; never an unhandled rejection.
        assigned.catch((error: unknown) => {
          this.logger.warn('assignment hook failed; batches will retry', { error: error as Error });
        });
      });
    }
    return () => assigned;
  }

  private async handleBatch(messages: readonly IncomingMessage[], position: BatchPosition): Promise<void> {
    if (this.options.eachBatch) return this.options.eachBatch(messages, position);
    for (const message of messages) await this.options.eachMessage?.(message);
  }
}

/**
 * Waits for `work`, heartbeating meanwhile: a long state restore must not make the coordinator
 * think the member died (which would rebalance, and restart the restore, forever).
 */
async function heartbeatUntil(work: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
  const done = work.then(
    () => true,
    () => true,
  );
  const waited = (): Promise<boolean> =>
    new Promise((resolve) => setTimeout(() => resolve(false), HEARTBEAT_WHILE_WAITING_MS).unref());
  while (!(await Promise.race([done, waited()]))) await heartbeat().catch(() => undefined);
  await work;
}
