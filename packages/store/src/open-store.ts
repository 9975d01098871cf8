import { PostgresIncidentStore, type PostgresStoreOptions } from './postgres-store.js';
import { SqliteIncidentStore } from './sqlite-store.js';
import type { IncidentStore } from './store.js';

/** Which store to use: a SQLite file on one machine, PostgreSQL for production and several instances. */
export type StoreSettings =
  | { readonly kind: 'sqlite'; readonly path: string }
  | ({ readonly kind: 'postgres'; readonly url: string } & Pick<
      PostgresStoreOptions,
      'connectTimeoutMs' | 'statementTimeoutMs'
    >);

/** Opens (does not migrate) the configured store. */
export function openIncidentStore(settings: StoreSettings): IncidentStore {
  return settings.kind === 'postgres'
    ? new PostgresIncidentStore(settings.url, {
        ...(settings.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: settings.connectTimeoutMs }),
        ...(settings.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: settings.statementTimeoutMs }),
      })
    : new SqliteIncidentStore(settings.path);
}
