import { join } from 'node:path';
import type { Logger } from '@sitrep/telemetry';
import type { Bus } from './bus.js';
import { EmbeddedBus } from './embedded-bus.js';
import { KafkaBus } from './kafka-bus.js';

export interface BusSettings {
  /** Empty: the embedded transport under `dataDir`. */
  readonly kafkaBrokers: readonly string[];
  readonly clientId: string;
  readonly dataDir: string;
  readonly publishTimeoutMs: number;
}

/** Kafka when brokers are configured, otherwise the embedded on-disk transport. */
export function createBus(settings: BusSettings, logger: Logger): Bus {
  if (settings.kafkaBrokers.length > 0) {
    return new KafkaBus({
      brokers: settings.kafkaBrokers,
      clientId: settings.clientId,
      publishTimeoutMs: settings.publishTimeoutMs,
      logger,
    });
  }
  return new EmbeddedBus({ path: join(settings.dataDir, 'bus.sqlite'), logger });
}
