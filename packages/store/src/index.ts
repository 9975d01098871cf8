export { POSTGRES_DEFAULTS, PostgresIncidentStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './postgres-store.js';
export { SqliteIncidentStore } from './sqlite-store.js';
export { INCIDENT_ROW_STATUSES, StoreError } from './store.js';
export type {
  BatchRead,
  BatchReadRequest,
  BatchWrite,
  EntryRow,
  IncidentFilter,
  IncidentPage,
  IncidentRow,
  IncidentRowStatus,
  IncidentStore,
  OpenIncidentCount,
  ReportedRow,
  ReportedTimes,
  StoredEvent,
  StoredIncidentState,
  WaitingEvents,
  WriteOutcome,
} from './store.js';
export { openIncidentStore } from './open-store.js';
export type { StoreSettings } from './open-store.js';
