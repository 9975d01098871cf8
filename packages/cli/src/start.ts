import { join, resolve } from 'node:path';
import { createBus } from '@sitrep/bus';
import { EnvReader, type Env } from '@sitrep/config';
import { systemClock } from '@sitrep/domain';
import { loadIngestConfig, startAlertIngest } from '@sitrep/alert-ingest';
import { createLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { startTracing } from '@sitrep/telemetry/sdk';
import { readOrCreateToken, TOKEN_FILE } from './generated-token.js';

export interface Started {
  /** Drains and closes everything; callers bound it by shutdownTimeoutMs (plus a margin). */
  stop(): Promise<void>;
  readonly shutdownTimeoutMs: number;
}

/**
 * `sitrep start`: the whole pipeline in one process. Reads configuration once (a bad value stops
 * here, naming the variable), then wires adapters and services.
 */
export async function start(env: Env): Promise<Started> {
  const reader = new EnvReader(env);
  const ingestConfig = loadIngestConfig(reader, { generateToken: (dataDir) => readOrCreateToken(resolve(dataDir)) });
  reader.finish();
  const platform = ingestConfig.platform;

  const logger = createLogger({ level: platform.logLevel, base: { service: 'sitrep' } });
  const tracing = startTracing({ serviceName: 'sitrep', otlpEndpoint: platform.otlpEndpoint });
  if (ingestConfig.auth.mode === 'disabled') {
    logger.warn(
      '!!! RECEIVER AUTHENTICATION IS DISABLED (SITREP_AUTH=disabled): anyone who can reach this port can inject alerts. Local use only. !!!',
    );
  }
  if (ingestConfig.generatedToken) {
    logger.info('no receiver credential configured; using a generated bearer token', {
      tokenFile: join(resolve(platform.dataDir), TOKEN_FILE),
      hint: 'set SITREP_INGEST_BEARER_TOKEN or SITREP_INGEST_BASIC_AUTH to choose your own',
    });
  }
  const bus = createBus(
    {
      kafkaBrokers: platform.kafkaBrokers,
      clientId: 'sitrep-alert-ingest',
      dataDir: resolve(platform.dataDir),
      publishTimeoutMs: platform.publishTimeoutMs,
    },
    logger,
  );
  const ingest = await startAlertIngest({
    config: ingestConfig,
    bus,
    clock: systemClock,
    logger: logger.child({ component: 'alert-ingest' }),
    registry: createMetricsRegistry({ service: 'alert-ingest' }),
  });
  return {
    shutdownTimeoutMs: platform.shutdownTimeoutMs,
    stop: async () => {
      await ingest.close();
      await bus.close();
      await tracing.shutdown();
    },
  };
}
