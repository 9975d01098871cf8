import type { EnvReader } from './env-reader.js';

export const LOG_LEVEL_NAMES = ['debug', 'info', 'warn', 'error'] as const;

/** Settings every Sitrep service shares (one data dir, one bus, one topic namespace). */
export interface PlatformSettings {
  readonly host: string;
  readonly dataDir: string;
  /** Empty selects the embedded on-disk transport. */
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  readonly topicPartitions: number;
  /** -1 takes the broker's default.replication.factor. */
  readonly topicReplicationFactor: number;
  readonly publishTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: (typeof LOG_LEVEL_NAMES)[number];
  readonly otlpEndpoint: string | undefined;
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/;

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function readPlatformSettings(env: EnvReader): PlatformSettings {
  const kafkaBrokers = env.list('KAFKA_BROKERS');
  const badBroker = kafkaBrokers.find((broker) => !HOST_PORT.test(broker));
  if (badBroker !== undefined)
    env.fail('KAFKA_BROKERS', `must be comma-separated host:port pairs, got ${JSON.stringify(badBroker)}`);
  env.allow('OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES');
  // Read by the shell tooling (scripts/node-env.sh), not by the services.
  env.allow('SITREP_CACHE_DIR', 'SITREP_NODE_VERSION');
  return Object.freeze({
    host: env.string('SITREP_HOST', '127.0.0.1'),
    dataDir: env.string('SITREP_DATA_DIR', './.sitrep'),
    kafkaBrokers,
    topicPrefix: env.string('SITREP_TOPIC_PREFIX', 'sitrep.', {
      regex: /^[A-Za-z0-9._-]{0,200}$/,
      description: 'letters, digits, ".", "_" or "-" (a Kafka topic name prefix)',
    }),
    topicPartitions: env.integer('SITREP_TOPIC_PARTITIONS', 6, { min: 1, max: 10_000 }),
    topicReplicationFactor: env.integer('SITREP_TOPIC_REPLICATION_FACTOR', -1, { min: -1, max: 100 }),
    publishTimeoutMs: env.integer('SITREP_PUBLISH_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
    shutdownTimeoutMs: env.integer('SITREP_SHUTDOWN_TIMEOUT_MS', 15_000, { min: 0, max: 600_000 }),
    logLevel: env.oneOf('SITREP_LOG_LEVEL', LOG_LEVEL_NAMES, 'info'),
    otlpEndpoint: env.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT'),
  });
}
