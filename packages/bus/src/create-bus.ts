import { join } from 'node:path';
import type { Logger } from '@sitrep/telemetry';
import type { Bus } from './bus.js';
import { EmbeddedBus } from './embedded-bus.js';
import { KafkaBus } from './kafka-bus.js';
import type { KafkaSecurity } from './kafka-security.js';

export interface BusSettings {
  /** Empty: the embedded transport under `dataDir`. */
  readonly kafkaBrokers: readonly string[];
  /** TLS and SASL towards the brokers; plaintext when absent. */
  readonly kafkaSecurity?: KafkaSecurity;
  /** `min.insync.replicas` of Sitrep's topics; -1 (or absent): 2 from 3 replicas on, else 1. */
  readonly topicMinInsyncReplicas?: number;
  /** Start even on existing topics weaker than configured, warning about each. */
  readonly allowWeakTopics?: boolean;
  readonly clientId: string;
  readonly dataDir: string;
  readonly publishTimeoutMs: number;
  /** The topics' max.message.bytes (SITREP_BUS_MAX_MESSAGE_BYTES): coalesced produce requests stay within it. */
  readonly maxMessageBytes?: number;
}

/** Kafka when brokers are configured, otherwise the embedded on-disk transport. */
export function createBus(settings: BusSettings, logger: Logger): Bus {
  if (settings.kafkaBrokers.length > 0) {
    return new KafkaBus({
      brokers: settings.kafkaBrokers,
      clientId: settings.clientId,
      publishTimeoutMs: settings.publishTimeoutMs,
      ...(settings.kafkaSecurity === undefined ? {} : { security: settings.kafkaSecurity }),
      durability: {
        minInsyncReplicas: settings.topicMinInsyncReplicas ?? -1,
        allowWeak: settings.allowWeakTopics ?? false,
      },
      ...(settings.maxMessageBytes === undefined ? {} : { maxMessageBytes: settings.maxMessageBytes }),
      logger,
    });
  }
  return new EmbeddedBus({ path: join(settings.dataDir, 'bus.sqlite'), logger });
}
