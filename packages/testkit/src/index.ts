export { FakeClock } from './fake-clock.js';
export { freePort } from './free-port.js';
export { startKafkaBroker } from './kafka-broker.js';
export type { KafkaBroker, KafkaBrokerOptions, KafkaSaslSslListener } from './kafka-broker.js';
export { createKafkaTestCertificates } from './kafka-tls.js';
export type { KafkaTestCertificates } from './kafka-tls.js';
export { ensureKafkaJars, ensureKafkaToolsJars, KAFKA_VERSION, sitrepCacheDir } from './kafka-jars.js';
export { uniqueName } from './random-names.js';
export { startProcess } from './spawned-process.js';
export type { SpawnedProcess, SpawnedProcessOptions } from './spawned-process.js';
export { waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
export { testKafkaBrokers } from './vitest-kafka.js';
export { alertBatch, webhookAlert, webhookBody } from './webhook-builder.js';
export type { WebhookAlertInput } from './webhook-builder.js';
export { startAlertmanager } from './alertmanager.js';
export type { AlertmanagerApiAlert, RunningAlertmanager } from './alertmanager.js';
export { startPostgres } from './postgres.js';
export type { PostgresOptions, RunningPostgres } from './postgres.js';
export {
  domainAlert,
  LB_OUTAGE,
  lbOutageChange,
  lbOutageEvents,
  lbOutageSettings,
  minute,
  streamTime,
  TEST_EPOCH,
} from '@sitrep/domain/testing';
export type { OutageDescription, OutageOptions } from '@sitrep/domain/testing';
export { lbOutageCorrelationYaml, lbOutageDeliveries, lbOutageNdjson, recentLbOutage } from './lb-outage.js';
export type { OutageDelivery } from './lb-outage.js';
export { startPrometheus } from './prometheus.js';
export type { PrometheusOptions, PrometheusSeries, RunningPrometheus } from './prometheus.js';
export { expressRoutes, isJsonObject, jsonPointer, openApiChecker } from './openapi-checker.js';
export type { CheckedExchange, DocumentOperation, JsonObject } from './openapi-checker.js';
export { startKafkaCluster } from './kafka-cluster.js';
export type { KafkaCluster, KafkaClusterNode, KafkaClusterOptions } from './kafka-cluster.js';
export type { PartitionMetadata } from './kafka-metadata.js';
export { runProducerPerformance } from './kafka-producer-performance.js';
export type { ProducerPerformanceOptions, ProducerPerformanceResult } from './kafka-producer-performance.js';
