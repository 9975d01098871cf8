export { createApp } from './app.js';
export type { IngestAppDeps } from './app.js';
export { loadIngestConfig } from './config.js';
export type { IngestConfig, IngestConfigOptions } from './config.js';
export { alertRecord, alertsFromWebhook, changeFromRequest, changeRecord } from './records.js';
export { ingestTopics, startAlertIngest } from './service.js';
export type { AlertIngest, AlertIngestDeps } from './service.js';
