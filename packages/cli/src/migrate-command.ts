import { EnvReader, type Env } from '@sitrep/config';
import { correlatorTopics, ingestTopics, loadIngestConfig, migrateCorrelatorState } from '@sitrep/alert-ingest';
import { commandBus, commandLogger } from './command-bus.js';

/**
 * `sitrep migrate`: re-keys the correlator's state after the alerts topic grew partitions or the
 * dependency map (SITREP_CORRELATION_CONFIG) or SITREP_SCOPE_LABEL changed, which the correlator
 * refuses to start with. Run it with every correlator stopped and the new settings in the
 * environment; ingest may keep running.
 */
export async function migrateCommand(env: Env): Promise<string[]> {
  const reader = new EnvReader(env);
  const config = loadIngestConfig(reader, { generateToken: () => 'unused' });
  // Settings of the other services are known here, not typos; this command reads only its own.
  reader.finish([]);
  const logger = commandLogger();
  const bus = commandBus(config.platform, 'sitrep-migrate', logger);
  try {
    await bus.start(ingestTopics(config));
    const result = await migrateCorrelatorState({
      bus,
      topics: correlatorTopics(config),
      settings: config.correlation,
      groupId: config.correlatorGroup,
      logger,
    });
    if (!result.migrated) {
      return [
        `nothing to migrate: the correlator state is keyed for these settings (${result.toPartitions} partitions)`,
      ];
    }
    return [
      `re-keyed ${result.incidents} incidents from ${result.fromPartitions} to ${result.toPartitions} alerts partitions (${result.moved} moved)`,
      `caught up ${result.caughtUp} alerts the stopped correlator had not processed (${result.events} incident events)`,
      'the correlator can start again',
    ];
  } finally {
    await bus.close();
  }
}
