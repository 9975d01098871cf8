/** A record to publish. Values are UTF-8 text (our records are JSON). */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  readonly offset: string;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: Date;
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
  /** Partition count of a topic Sitrep created. */
  partitionCount(topic: string): Promise<number>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  readiness(): Promise<BusReadiness>;
  /** Stops subscriptions and waits for in-flight publishes. */
  close(): Promise<void>;
}
