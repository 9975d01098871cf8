import type { Severity } from '../correlation/severity.js';
import type { IncidentDurations } from './durations.js';

export type ReliabilityGrouping = 'service' | 'severity' | 'none';

export interface DurationStats {
  /** Incidents where this duration exists (the moment happened). */
  readonly count: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly p90: number | null;
}

export interface ReliabilityGroup {
  /** The service or severity; `all` when not grouped. */
  readonly key: string;
  readonly incidents: number;
  readonly timeToDetect: DurationStats;
  readonly timeToAcknowledge: DurationStats;
  readonly timeToMitigate: DurationStats;
  readonly timeToResolve: DurationStats;
}

export interface ReportedIncident {
  readonly service: string;
  readonly severity: Severity;
  readonly durations: IncidentDurations;
}

/** Nearest-rank percentile: an observed value, never an interpolation between two incidents. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function durationStats(values: readonly (number | null)[]): DurationStats {
  const present = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (present.length === 0) return { count: 0, mean: null, median: null, p90: null };
  const middle = Math.floor(present.length / 2);
  const median =
    present.length % 2 === 1
      ? (present[middle] as number)
      : ((present[middle - 1] as number) + (present[middle] as number)) / 2;
  return {
    count: present.length,
    mean: present.reduce((sum, value) => sum + value, 0) / present.length,
    median,
    p90: percentile(present, 90),
  };
}

/** MTTD / MTTA / MTTM / MTTR (mean, median, p90) per group, groups in key order. */
export function reliabilityReport(
  incidents: readonly ReportedIncident[],
  groupBy: ReliabilityGrouping,
): ReliabilityGroup[] {
  const groups = new Map<string, ReportedIncident[]>();
  for (const incident of incidents) {
    const key = groupBy === 'service' ? incident.service : groupBy === 'severity' ? incident.severity : 'all';
    const members = groups.get(key);
    if (members) members.push(incident);
    else groups.set(key, [incident]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, members]) => ({
      key,
      incidents: members.length,
      timeToDetect: durationStats(members.map((member) => member.durations.timeToDetect)),
      timeToAcknowledge: durationStats(members.map((member) => member.durations.timeToAcknowledge)),
      timeToMitigate: durationStats(members.map((member) => member.durations.timeToMitigate)),
      timeToResolve: durationStats(members.map((member) => member.durations.timeToResolve)),
    }));
}
