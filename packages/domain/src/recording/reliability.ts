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
function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** Stats of values already sorted ascending (summed in that order). */
function statsOfSorted(present: Float64Array): DurationStats {
  if (present.length === 0) return { count: 0, mean: null, median: null, p90: null };
  const middle = Math.floor(present.length / 2);
  const median =
    present.length % 2 === 1
      ? (present[middle] as number)
      : ((present[middle - 1] as number) + (present[middle] as number)) / 2;
  let sum = 0;
  for (const value of present) sum += value;
  return { count: present.length, mean: sum / present.length, median, p90: percentile(present, 90) };
}

// A typed array sorts numbers without a comparator call per pair: a 90-day report sorts four
// columns of up to 100,000 values for every group.
export function durationStats(values: readonly (number | null)[]): DurationStats {
  let count = 0;
  for (const value of values) if (value !== null) count += 1;
  const present = new Float64Array(count);
  let index = 0;
  for (const value of values) if (value !== null) present[index++] = value;
  return statsOfSorted(present.sort());
}

const PHASES = ['timeToDetect', 'timeToAcknowledge', 'timeToMitigate', 'timeToResolve'] as const;

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
    .map(([key, members]) => {
      const [timeToDetect, timeToAcknowledge, timeToMitigate, timeToResolve] = PHASES.map((phase) =>
        durationStats(members.map((member) => member.durations[phase])),
      ) as [DurationStats, DurationStats, DurationStats, DurationStats];
      return { key, incidents: members.length, timeToDetect, timeToAcknowledge, timeToMitigate, timeToResolve };
    });
}
