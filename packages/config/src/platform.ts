import type { EnvReader } from './env-reader.js';
import { readKafkaSecurity, type KafkaSecuritySettings } from './kafka-security.js';

export const LOG_LEVEL_NAMES = ['debug', 'info', 'warn', 'error'] as const;

/** How each service's HTTP server holds up against slow or too many clients. */
export interface HttpServerSettings {
  /** Longest a client may take to send the request headers. */
  readonly headersTimeoutMs: number;
  /** Longest a client may take to send the whole request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; further ones are closed at once. */
  readonly maxConnections: number;
  /** Requests handled at once at most; further ones get 503 with Retry-After (probes excepted). */
  readonly maxInFlight: number;
}

/** Settings every Sitrep service shares (one data dir, one bus, one topic namespace). */
export interface PlatformSettings {
  readonly host: string;
  readonly dataDir: string;
  /** Empty selects the embedded on-disk transport. */
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  /** How Sitrep authenticates to Kafka and encrypts the connection (KAFKA_SECURITY_PROTOCOL...). */
  readonly kafkaSecurity: KafkaSecuritySettings;
  readonly topicPartitions: number;
  /** -1: chosen from the cluster at start-up: 3 with three brokers or more, else the broker count. */
  readonly topicReplicationFactor: number;
  /** -1: 2 when the replication factor is 3 or more, else 1. */
  readonly topicMinInsyncReplicas: number;
  /** Start even when existing topics are less durable than configured (each mismatch is logged). */
  readonly allowWeakTopics: boolean;
  readonly publishTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: (typeof LOG_LEVEL_NAMES)[number];
  readonly otlpEndpoint: string | undefined;
  readonly http: HttpServerSettings;
}

export const HTTP_SERVER_DEFAULTS: HttpServerSettings = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Alertmanager keeps connections alive; outlive its idle timeout so we are not the side that
  // closes a connection it is about to reuse.
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1_000,
  maxInFlight: 200,
});

function readHttpServerSettings(env: EnvReader): HttpServerSettings {
  const defaults = HTTP_SERVER_DEFAULTS;
  const settings: HttpServerSettings = Object.freeze({
    headersTimeoutMs: env.integer('SITREP_HTTP_HEADERS_TIMEOUT_MS', defaults.headersTimeoutMs, {
      min: 100,
      max: 600_000,
    }),
    requestTimeoutMs: env.integer('SITREP_HTTP_REQUEST_TIMEOUT_MS', defaults.requestTimeoutMs, {
      min: 100,
      max: 3_600_000,
    }),
    keepAliveTimeoutMs: env.integer('SITREP_HTTP_KEEP_ALIVE_TIMEOUT_MS', defaults.keepAliveTimeoutMs, {
      min: 0,
      max: 3_600_000,
    }),
    maxConnections: env.integer('SITREP_HTTP_MAX_CONNECTIONS', defaults.maxConnections, { min: 1, max: 1_000_000 }),
    maxInFlight: env.integer('SITREP_HTTP_MAX_IN_FLIGHT', defaults.maxInFlight, { min: 1, max: 1_000_000 }),
  });
  // Node refuses a headers timeout longer than the request timeout: the headers are part of it.
  if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
    env.fail('SITREP_HTTP_HEADERS_TIMEOUT_MS', 'must not be longer than SITREP_HTTP_REQUEST_TIMEOUT_MS');
  }
  return settings;
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/;

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A replica count, or -1 (also the default) for Sitrep to choose from the cluster's size. */
function replicaCount(env: EnvReader, name: string): number {
  const value = env.integer(name, -1, { min: -1, max: 100 });
  if (value === 0) {
    env.fail(name, 'must be at least 1, or -1 to choose from the cluster size');
    return -1;
  }
  return value;
}

function readTopicDurability(
  env: EnvReader,
): Pick<PlatformSettings, 'topicReplicationFactor' | 'topicMinInsyncReplicas' | 'allowWeakTopics'> {
  const topicReplicationFactor = replicaCount(env, 'SITREP_TOPIC_REPLICATION_FACTOR');
  const topicMinInsyncReplicas = replicaCount(env, 'SITREP_TOPIC_MIN_INSYNC_REPLICAS');
  if (topicReplicationFactor > 0 && topicMinInsyncReplicas > topicReplicationFactor) {
    // Every write would be refused with NOT_ENOUGH_REPLICAS.
    env.fail(
      'SITREP_TOPIC_MIN_INSYNC_REPLICAS',
      `must not exceed SITREP_TOPIC_REPLICATION_FACTOR (${topicReplicationFactor}), got ${topicMinInsyncReplicas}`,
    );
  }
  const allowWeakTopics = env.oneOf('SITREP_KAFKA_ALLOW_WEAK_TOPICS', ['true', 'false'], 'false') === 'true';
  return { topicReplicationFactor, topicMinInsyncReplicas, allowWeakTopics };
}

export function readPlatformSettings(env: EnvReader): PlatformSettings {
  const kafkaBrokers = env.list('KAFKA_BROKERS');
  const badBroker = kafkaBrokers.find((broker) => !HOST_PORT.test(broker));
  if (badBroker !== undefined)
    env.fail('KAFKA_BROKERS', `must be comma-separated host:port pairs, got ${JSON.stringify(badBroker)}`);
  const kafkaSecurity = readKafkaSecurity(env);
  if (kafkaBrokers.length === 0 && kafkaSecurity.protocol !== 'PLAINTEXT') {
    env.fail('KAFKA_SECURITY_PROTOCOL', 'is only used with KAFKA_BROKERS (the embedded transport has no network)');
  }
  // Not under finish()'s SITREP_ prefix (other programs set KAFKA_ variables), so checked here.
  env.refuseUnknown(['KAFKA_TLS_', 'KAFKA_SASL_', 'KAFKA_SECURITY_']);
  env.allow('OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES');
  // Read by the shell tooling (scripts/node-env.sh), not by the services.
  env.allow('SITREP_CACHE_DIR', 'SITREP_NODE_VERSION', 'SITREP_TEST_FAULTS');
  return Object.freeze({
    host: env.string('SITREP_HOST', '127.0.0.1'),
    dataDir: env.string('SITREP_DATA_DIR', './.sitrep'),
    kafkaBrokers,
    kafkaSecurity,
    topicPrefix: env.string('SITREP_TOPIC_PREFIX', 'sitrep.', {
      regex: /^[A-Za-z0-9._-]{0,200}$/,
      description: 'letters, digits, ".", "_" or "-" (a Kafka topic name prefix)',
    }),
    topicPartitions: env.integer('SITREP_TOPIC_PARTITIONS', 6, { min: 1, max: 10_000 }),
    ...readTopicDurability(env),
    publishTimeoutMs: env.integer('SITREP_PUBLISH_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
    shutdownTimeoutMs: env.integer('SITREP_SHUTDOWN_TIMEOUT_MS', 15_000, { min: 0, max: 600_000 }),
    logLevel: env.oneOf('SITREP_LOG_LEVEL', LOG_LEVEL_NAMES, 'info'),
    otlpEndpoint: env.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT'),
    http: readHttpServerSettings(env),
  });
}
