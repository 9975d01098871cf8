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
}

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. */
  readonly fromBeginning: boolean;
  /**
   * Called once per message, in order per partition. The offset is committed only after it
   * resolves; if it throws, the message is delivered again (at-least-once).
   */
  readonly eachMessage: (message: IncomingMessage) => Promise<void>;
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
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  readiness(): Promise<BusReadiness>;
  /** Stops subscriptions and waits for in-flight publishes. */
  close(): Promise<void>;
}
