import type { IncidentRow } from '@sitrep/store';

const at = (minutes: number): Date => new Date(Date.UTC(2026, 10, 22, 3, minutes));

/** An incident row as the writer stores it: opened at minute 0, detected at 1; `changes` on top. */
export const incidentRow = (changes: Partial<IncidentRow> = {}): IncidentRow => ({
  id: 'inc_1',
  status: 'open',
  services: ['auth-lb', 'auth'],
  severity: 'critical',
  startedAt: at(0),
  detectedAt: at(1),
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  closedAt: null,
  lastSequence: 1,
  revision: 1,
  summary: '{}',
  updatedAt: at(1),
  ...changes,
});

/**
 * The value of the sample `name` with exactly `labels` in a metrics exposition, else undefined.
 * Label order is not compared: prom-client puts the default label first on histograms, last on
 * counters and gauges. (Test output only: label values must not contain commas.)
 */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').split(',').sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}
