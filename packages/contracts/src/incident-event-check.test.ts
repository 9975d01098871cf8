import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wellFormedIncidentEventRecord } from './incident-event-check.js';
import { incidentEventRecordSchema, parseIncidentEventRecord } from './incident-event-record.js';
import { parseWith } from './validation.js';

/*
 * The hand check in front of the incident event schema must be the schema, faster: for records
 * of every type, each bent at one place now and then (a value replaced by something odd, or a
 * key removed), the same verdict and, when accepted, the very value (key order included).
 */

const at = '2026-11-22T03:00:00.000Z';
const envelope = (type: string, sequence: number) => ({
  schema: 'sitrep.incident-event.v1',
  id: '0123456789abcdef0123456789abcdef',
  incidentId: 'inc_0123456789abcdef0123',
  sequence,
  occurredAt: at,
  type,
});
const alert = {
  alertId: 'fedcba9876543210fedcba9876543210',
  fingerprint: 'e76d76b22322c3fc',
  alertname: 'HighErrorRate',
  signal: 'error_rate',
  service: 'auth',
  severity: 'critical',
  labels: { alertname: 'HighErrorRate', service: 'auth' },
  annotations: { summary: 'auth 5xx above 5%' },
  startsAt: at,
  receivedAt: '2026-11-22T03:00:30.000Z',
  value: 0.31,
  generatorURL: null,
  condition: { since: '2026-11-22T02:55:00.000Z', source: 'prometheus_rule' },
};
const RECORDS: readonly object[] = [
  {
    ...envelope('incident.opened', 1),
    data: { scope: 'service=auth', service: 'auth', severity: 'critical', startedAt: at, detectedAt: at },
  },
  { ...envelope('incident.alert_attached', 2), data: { alert } },
  {
    ...envelope('incident.alert_resolved', 3),
    data: { alertId: alert.alertId, fingerprint: alert.fingerprint, endsAt: at, receivedAt: at, reason: 'stale' },
  },
  {
    ...envelope('incident.change_attached', 4),
    data: { change: { changeId: 'c1', service: 'auth-lb', kind: 'config', summary: 'weights', at, link: null } },
  },
  { ...envelope('incident.severity_changed', 5), data: { from: 'warning', to: 'critical' } },
  {
    ...envelope('incident.cause_ranked', 6),
    data: {
      hints: [
        { rank: 1, signal: 'change', service: 'auth-lb', since: at, reason: 'config change', changeId: 'c1' },
        { rank: 2, signal: 'load_imbalance', service: 'auth-lb', since: at, reason: 'first' },
      ],
    },
  },
  { ...envelope('incident.resolving', 7), data: { resolvesAt: at } },
  { ...envelope('incident.resolved', 8), data: { resolvedAt: at } },
  { ...envelope('incident.reopened', 9), data: { byAlertFingerprint: alert.fingerprint } },
];

/** Every path to a value in a JSON tree. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

const odd = fc.oneof(
  fc.constantFrom(
    '',
    'x',
    '__proto__',
    'a_future_value',
    '2026-11-22T03:00:00Z',
    '2026-02-30T00:00:00.000Z',
    'not a date',
  ),
  fc.constantFrom(0, -1, 1.5, 2 ** 60, null, true, [], {}),
  fc.constant(undefined), // drops the key
);

const bent = fc
  .tuple(fc.constantFrom(...RECORDS), fc.nat(), odd, fc.nat({ max: 3 }))
  .map(([record, pick, replacement, bend]) => {
    const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
    if (bend === 0) return copy; // a quarter as written
    const all = paths(copy).filter((path) => path.length > 0);
    const path = all[pick % all.length] as (string | number)[];
    let parent = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    // undefined drops the key when the copy goes through JSON below.
    parent[last] = replacement;
    return JSON.parse(JSON.stringify(copy)) as unknown;
  });

describe('the fast check of incident event records', () => {
  it('gives exactly what the schema gives', () => {
    let fast = 0;
    let schemaOnly = 0;
    fc.assert(
      fc.property(bent, (value) => {
        const expected = parseWith(incidentEventRecordSchema, value);
        const actual = parseIncidentEventRecord(value);
        expect(actual).toStrictEqual(expected);
        if (actual.ok) expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.ok && expected.value));
        if (wellFormedIncidentEventRecord(value) === undefined) schemaOnly += 1;
        else fast += 1;
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    // Both paths ran: a check that always deferred to the schema would pass the above trivially.
    expect(fast).toBeGreaterThan(500);
    expect(schemaOnly).toBeGreaterThan(500);
  });

  it('takes the fast path for every type as the correlator writes it', () => {
    for (const record of RECORDS) expect(wellFormedIncidentEventRecord(record)).toBeDefined();
  });
});
