import { resolve } from 'node:path';
import { createBus, type Bus } from '@sitrep/bus';
import type { PlatformSettings } from '@sitrep/config';
import { createLogger, type Logger } from '@sitrep/telemetry';

/** A one-shot command's log: warnings and errors on stderr, so its stdout stays its output. */
export const commandLogger = (): Logger =>
  createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });

/** The configured bus (Kafka, or the embedded one under SITREP_DATA_DIR) for a one-shot command. */
export function commandBus(platform: PlatformSettings, clientId: string, logger: Logger = commandLogger()): Bus {
  return createBus(
    {
      kafkaBrokers: platform.kafkaBrokers,
      kafkaSecurity: platform.kafkaSecurity,
      topicMinInsyncReplicas: platform.topicMinInsyncReplicas,
      allowWeakTopics: platform.allowWeakTopics,
      clientId,
      dataDir: resolve(platform.dataDir),
      publishTimeoutMs: platform.publishTimeoutMs,
    },
    logger,
  );
}
