export { createApp } from './app.js';
export type { IngestAppDeps } from './app.js';
export { loadCorrelationSettings, loadIngestConfig, loadScopeLabel } from './config.js';
export type { IngestConfig, IngestConfigOptions } from './config.js';
export { correlatorTopics, ingestTopics, startAlertIngest } from './service.js';
export { parseCorrelationConfig, CorrelationConfigError } from './correlation/correlation-config.js';

export { CorrelatorLayoutMismatch, startCorrelator } from './correlation/correlator-service.js';
export { migrateCorrelatorState } from './correlation/migrate.js';
export type { MigrateDeps, MigrateResult } from './correlation/migrate.js';
export type { RunningCorrelator, CorrelatorServiceDeps } from './correlation/correlator-service.js';
export type { AlertIngest, AlertIngestDeps } from './service.js';
export { DeliveryFileError, deliveriesFromRecords, parseDeliveries, parseDeliveryLine } from './replay/deliveries.js';
export type { Delivery } from './replay/deliveries.js';
export { exportDeliveries, replay, replayTopics } from './replay/replay.js';
export { parseSweep, SweepError, sweepSettings } from './replay/sweep.js';
export type { SweepSpec, SweptSettings } from './replay/sweep.js';
export { parseTruthFile, TruthFileError } from './replay/truth-file.js';
export type { ReplayOptions, ReplayResult } from './replay/replay.js';
