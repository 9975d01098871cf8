import { expect } from 'vitest';
import { MIGRATIONS } from './schema.js';
import type { IncidentStore } from './store.js';

/** The statements of a store at schema version 2, with three incidents stored the way version 2 stored them. */
export function version2Store(): string[] {
  const statements = [
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    ...MIGRATIONS.filter((migration) => migration.version <= 2).flatMap((migration) => [
      ...migration.statements,
      `INSERT INTO schema_migrations (version, applied_at) VALUES (${migration.version}, 0)`,
    ]),
  ];
  const incident = (id: string, services: string, startedAt: number) =>
    `INSERT INTO incidents (id, status, services, severity, started_at, detected_at, last_sequence, summary, updated_at, revision)
     VALUES ('${id}', 'open', '${services}', 'critical', ${startedAt}, ${startedAt + 1}, 1, '{}', ${startedAt + 1}, 1)`;
  return [
    ...statements,
    incident('a', ',auth-lb,auth,', 1000),
    incident('b', ',pay%2Cments,50%25,', 2000),
    incident('c', ',auth,', 3000),
  ];
}

/** What the version 3 migration must make of version2Store's incidents. */
export async function expectVersion3Services(store: IncidentStore): Promise<void> {
  const ids = async (service: string) =>
    (await store.listIncidents({ limit: 10, service })).incidents.map((incident) => incident.id);
  expect(await ids('auth')).toEqual(['c', 'a']);
  expect(await ids('auth-lb')).toEqual(['a']);
  expect(await ids('pay,ments')).toEqual(['b']);
  expect(await ids('50%')).toEqual(['b']);
  expect(await ids('pay')).toEqual([]);
  expect((await store.reportedTimes({})).map((times) => times.service).sort()).toEqual([
    'auth',
    'auth-lb',
    'pay,ments',
  ]);
}
