/** A record to publish. Values are UTF-8 text (our records are JSON). */
export interface OutgoingMessage {
  readonly key: string;
  /**
   * Null is a tombstone, only on a compacted topic: the key's latest value is gone, and
   * compaction drops the key altogether, so a table of per-key values does not grow with history.
   */
  readonly value: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  readonly offset: string;
  readonly key: string | null;
  /** Empty for a tombstone. */
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: Date;
  /** A tombstone of a compacted topic not compacted away yet: the key was deleted. */
  readonly tombstone?: true;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** -1 takes the broker's default. */
  readonly replicationFactor: number;
  /** Kafka topic configs, e.g. `cleanup.policy: compact` for a table of latest values per key. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A published message can name its partition explicitly instead of hashing its key. */
export interface OutgoingMessageTo extends OutgoingMessage {
  readonly partition?: number;
}

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. */
  readonly fromBeginning: boolean;
  /** A group used by one process run only: close() deletes it, so such groups do not pile up. */
  readonly ephemeral?: boolean;
  /**
   * Called with each batch of messages of one partition, in order. The batch's offsets are
   * committed only after it resolves; if it throws, the batch is delivered again
   * (at-least-once). Exactly one of eachMessage and eachBatch is given.
   */
  readonly eachBatch?: (messages: readonly IncomingMessage[], position: BatchPosition) => Promise<void>;
  /**
   * Who commits the group's position. `bus` (the default): the bus, after each batch resolves.
   * `handler`: the handler, through a TransactionalWriter, atomically with what it writes; the
   * bus then only moves past a batch in memory, and a new member starts where the handler's
   * last commit left off.
   */
  readonly commits?: 'bus' | 'handler';
  /** Called once per message, in order per partition; a one-message batch. */
  readonly eachMessage?: (message: IncomingMessage) => Promise<void>;
  /**
   * Called after every (re)assignment, before any message of the new assignment is delivered,
   * with the partitions this member now owns: state held for others must be dropped.
   */
  readonly onAssignment?: (partitions: readonly TopicPartition[]) => Promise<void>;
}

export interface BatchPosition {
  /** True when the batch ends at the partition's end as of fetching it: the member has caught up. */
  readonly caughtUp: boolean;
}

/** Messages for one topic, part of one atomic commit. */
export interface TopicWrite {
  readonly topic: string;
  readonly messages: readonly OutgoingMessageTo[];
}

/** How far a consumer group has read one partition, committed with a transaction's writes. */
export interface ConsumedPosition {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** The offset of the next message the group has not processed. */
  readonly nextOffset: bigint;
}

/**
 * Writes that become visible together or not at all, with a consumer group's position: the
 * consume-transform-produce loop of a stateful consumer, so a crash anywhere can never leave its
 * outputs, its state and its position disagreeing. Opening a writer fences every earlier writer
 * with the same id (a paused process that wakes up after its partition moved on), whose next
 * commit then fails with a non-retriable BusError of class `fenced`. Readers see only committed
 * writes. One commit at a time per writer.
 */
export interface TransactionalWriter {
  readonly id: string;
  commit(writes: readonly TopicWrite[], position?: ConsumedPosition): Promise<void>;
  close(): Promise<void>;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface BusReadiness {
  readonly ready: boolean;
  readonly detail: string;
}

/**
 * The message bus port: Kafka in production, an embedded on-disk transport for a single machine.
 * `publish` resolves only once every message is durably stored (Kafka: acknowledged by all
 * in-sync replicas), which is what lets a receiver acknowledge its sender.
 */
export interface Bus {
  readonly kind: 'kafka' | 'embedded';
  /** Connects and creates missing topics. Rejects with a BusError when the bus is unreachable. */
  start(topics: readonly TopicSpec[]): Promise<void>;
  publish(topic: string, messages: readonly OutgoingMessageTo[]): Promise<void>;
  /** Every message from the beginning of the topic to its end as of the call, in order per partition. */
  readAll(topic: string): Promise<IncomingMessage[]>;
  /**
   * Every message of one partition from its beginning to its end as of the call, in order. On
   * Kafka the end is the last stable offset: a transaction that committed a moment ago is
   * included once its commit markers are written, which can take a moment after commit returns.
   * Opening a TransactionalWriter waits until the earlier transactions of its id are complete:
   * a reader of what that id wrote opens its writer first.
   */
  readPartition(topic: string, partition: number): Promise<IncomingMessage[]>;
  /** The offset of the oldest message the partition still holds (retention deletes older ones). */
  earliestOffset(topic: string, partition: number): Promise<bigint>;
  /** Opens a writer under this id, fencing earlier ones (see TransactionalWriter). */
  transactionalWriter(id: string): Promise<TransactionalWriter>;
  /** Partition count of a topic Sitrep created. */
  partitionCount(topic: string): Promise<number>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  readiness(): Promise<BusReadiness>;
  /** Stops subscriptions and waits for in-flight publishes. */
  close(): Promise<void>;
}
