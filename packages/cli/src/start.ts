import { join, resolve } from 'node:path';
import { createBus } from '@sitrep/bus';
import { EnvReader, type Env } from '@sitrep/config';
import { systemClock } from '@sitrep/domain';
import { loadIngestConfig, startAlertIngest, type AlertIngest } from '@sitrep/alert-ingest';
import { impactSourceFor, loadRecorderConfig, startRecorder, type Recorder } from '@sitrep/recorder';
import { openIncidentStore } from '@sitrep/store';
import { createLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { startTracing } from '@sitrep/telemetry/sdk';
import { API_TOKEN_FILE, INGEST_TOKEN_FILE, readOrCreateToken } from './generated-token.js';

export interface Started {
  /**
   * Resolves once every service has joined its bus and store; rejects with a StartFailed when
   * one gave up because they refused for good (retries of what may pass go on meanwhile).
   */
  readonly started: Promise<void>;
  /** Drains and closes everything; callers bound it by shutdownTimeoutMs (plus a margin). */
  stop(): Promise<void>;
  readonly shutdownTimeoutMs: number;
}

/** A service gave up starting: its bus or store refused in a way no retry can change. */
export class StartFailed extends Error {
  override readonly name = 'StartFailed';

  constructor(
    readonly service: string,
    cause: unknown,
  ) {
    super(`${service} could not start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const failedAs =
  (service: string) =>
  (error: unknown): never => {
    throw new StartFailed(service, error);
  };

const SERVICES = ['ingest', 'recorder'] as const;

/**
 * `sitrep start`: the pipeline in one process: alert-ingest with its correlator, and the recorder
 * (SITREP_SERVICES picks some, for deployments that scale them apart). Reads configuration once
 * (a bad value stops here, naming the variable), then wires adapters and services.
 */
export async function start(env: Env): Promise<Started> {
  const reader = new EnvReader(env);
  const services = reader.list('SITREP_SERVICES', SERVICES);
  const unknown = services.filter((service) => !(SERVICES as readonly string[]).includes(service));
  if (unknown.length > 0 || services.length === 0) {
    reader.fail('SITREP_SERVICES', `must list some of ${SERVICES.join(', ')}, got ${services.join(',') || 'none'}`);
  }
  const generate = (file: string) => (dataDir: string) => readOrCreateToken(resolve(dataDir), file);
  const ingestConfig = services.includes('ingest')
    ? loadIngestConfig(reader, { generateToken: generate(INGEST_TOKEN_FILE) })
    : undefined;
  const recorderConfig = services.includes('recorder')
    ? loadRecorderConfig(reader, { generateToken: generate(API_TOKEN_FILE) })
    : undefined;
  // One environment often serves every service (a compose file, a ConfigMap): the settings of a
  // service not run here are known, not typos. Read them on the side, ignoring their values.
  const unused = new EnvReader(env, { readFile: () => 'unused' });
  const notGenerated = { generateToken: () => 'unused' };
  if (!ingestConfig) loadIngestConfig(unused, notGenerated);
  if (!recorderConfig) loadRecorderConfig(unused, notGenerated);
  reader.allow(...unused.knownNames());
  reader.finish();
  const platform = (ingestConfig ?? recorderConfig)?.platform;
  if (!platform) throw new Error('no service selected');

  const logger = createLogger({ level: platform.logLevel, base: { service: 'sitrep' } });
  const tracing = startTracing({ serviceName: 'sitrep', otlpEndpoint: platform.otlpEndpoint });
  const dataDir = resolve(platform.dataDir);
  if (ingestConfig?.auth.mode === 'disabled' || recorderConfig?.access.mode === 'disabled') {
    logger.warn(
      '!!! AUTHENTICATION IS DISABLED (SITREP_AUTH=disabled): anyone who can reach these ports can inject alerts and edit timelines. Local use only. !!!',
    );
  }
  if (ingestConfig?.generatedToken) {
    logger.info('no receiver credential configured; using a generated bearer token', {
      tokenFile: join(dataDir, INGEST_TOKEN_FILE),
      hint: 'set SITREP_INGEST_BEARER_TOKEN or SITREP_INGEST_BASIC_AUTH to choose your own',
    });
  }
  if (recorderConfig?.generatedToken) {
    logger.info('no API token configured; using a generated one (the sitrep CLI reads it from there)', {
      tokenFile: join(dataDir, API_TOKEN_FILE),
      hint: 'set SITREP_API_TOKEN (and SITREP_API_READ_TOKEN for dashboards) to choose your own',
    });
  }
  // One bus for both: on the embedded transport they must share the file's writer.
  const bus = createBus(
    {
      kafkaBrokers: platform.kafkaBrokers,
      kafkaSecurity: platform.kafkaSecurity,
      topicMinInsyncReplicas: platform.topicMinInsyncReplicas,
      allowWeakTopics: platform.allowWeakTopics,
      clientId: 'sitrep',
      dataDir,
      publishTimeoutMs: platform.publishTimeoutMs,
      // alert-ingest reads the bus's message size limit; its coalesced publishes must honour it.
      ...(ingestConfig ? { maxMessageBytes: ingestConfig.limits.messageBytes } : {}),
    },
    logger,
  );
  let ingest: AlertIngest | undefined;
  let recorder: Recorder | undefined;
  if (ingestConfig) {
    ingest = await startAlertIngest({
      config: ingestConfig,
      bus,
      clock: systemClock,
      logger: logger.child({ component: 'alert-ingest' }),
      registry: createMetricsRegistry({ service: 'alert-ingest' }),
    });
  }
  const store = recorderConfig ? openIncidentStore(recorderConfig.store) : undefined;
  if (recorderConfig && store) {
    const recorderLogger = logger.child({ component: 'recorder' });
    recorder = await startRecorder({
      config: recorderConfig,
      bus,
      store,
      clock: systemClock,
      logger: recorderLogger,
      // Process metrics once per process: ingest's registry has them when both run here.
      registry: createMetricsRegistry({ service: 'recorder', processMetrics: !ingestConfig }),
      impact: impactSourceFor(recorderConfig.prometheus, recorderLogger),
    });
  }
  const started = Promise.all([
    ingest?.started.catch(failedAs('alert-ingest')),
    recorder?.started.catch(failedAs('recorder')),
  ]).then(() => undefined);
  return {
    started,
    shutdownTimeoutMs: platform.shutdownTimeoutMs,
    stop: async () => {
      await Promise.all([ingest?.close(), recorder?.close()]);
      await bus.close();
      await store?.close();
      await tracing.shutdown();
    },
  };
}
