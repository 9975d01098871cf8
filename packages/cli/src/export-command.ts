import { resolve } from 'node:path';
import { createBus } from '@sitrep/bus';
import { EnvReader, readPlatformSettings, type Env } from '@sitrep/config';
import { exportDeliveries } from '@sitrep/alert-ingest';
import { createLogger } from '@sitrep/telemetry';

/**
 * `sitrep export`: the deliveries recorded on the alerts and changes topics of the configured bus
 * (Kafka, or the embedded bus under SITREP_DATA_DIR), as replay-file lines.
 */
export async function exportCommand(env: Env): Promise<string[]> {
  const reader = new EnvReader(env);
  const platform = readPlatformSettings(reader);
  reader.finish([]);
  const logger = createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });
  const bus = createBus(
    {
      kafkaBrokers: platform.kafkaBrokers,
      clientId: 'sitrep-export',
      dataDir: resolve(platform.dataDir),
      publishTimeoutMs: platform.publishTimeoutMs,
    },
    logger,
  );
  try {
    await bus.start([]);
    const deliveries = await exportDeliveries(bus, platform.topicPrefix);
    return deliveries.map((delivery) => JSON.stringify(delivery));
  } finally {
    await bus.close();
  }
}
