import { EnvReader, readPlatformSettings, type Env } from '@sitrep/config';
import { exportDeliveries } from '@sitrep/alert-ingest';
import { commandBus } from './command-bus.js';

/**
 * `sitrep export`: the deliveries recorded on the alerts and changes topics of the configured bus
 * (Kafka, or the embedded bus under SITREP_DATA_DIR), as replay-file lines.
 */
export async function exportCommand(env: Env): Promise<string[]> {
  const reader = new EnvReader(env);
  const platform = readPlatformSettings(reader);
  reader.finish([]);
  const bus = commandBus(platform, 'sitrep-export');
  try {
    await bus.start([]);
    const deliveries = await exportDeliveries(bus, platform.topicPrefix);
    return deliveries.map((delivery) => JSON.stringify(delivery));
  } finally {
    await bus.close();
  }
}
