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

/**
 * MTTD / MTTA / MTTM / MTTR (mean, median, p90) per group, groups in key order. Column by column:
 * one pass gives each incident its group and counts what each group has of each phase, a second
 * fills one typed array per group and phase, then each is sorted. No array of members or of
 * values per group: a 90-day report runs over 100,000 incidents on every request.
 */
export function reliabilityReport(
  incidents: readonly ReportedIncident[],
  groupBy: ReliabilityGrouping,
): ReliabilityGroup[] {
  const indexOf = new Map<string, number>();
  const groupOf = new Uint32Array(incidents.length);
  const sizes: number[] = [];
  // Per group, per phase: how many incidents have the phase (group * PHASES.length + phase).
  const counts: number[] = [];
  for (let at = 0; at < incidents.length; at += 1) {
    const incident = incidents[at] as ReportedIncident;
    const key = groupBy === 'service' ? incident.service : groupBy === 'severity' ? incident.severity : 'all';
    let group = indexOf.get(key);
    if (group === undefined) {
      group = sizes.length;
      indexOf.set(key, group);
      sizes.push(0);
      counts.push(0, 0, 0, 0);
    }
    groupOf[at] = group;
    sizes[group] = (sizes[group] as number) + 1;
    // The phases by name, not by a computed key: a property read per phase stays monomorphic.
    const { timeToAcknowledge, timeToMitigate, timeToResolve } = incident.durations;
    const base = group * PHASES.length;
    counts[base] = (counts[base] as number) + 1;
    if (timeToAcknowledge !== null) counts[base + 1] = (counts[base + 1] as number) + 1;
    if (timeToMitigate !== null) counts[base + 2] = (counts[base + 2] as number) + 1;
    if (timeToResolve !== null) counts[base + 3] = (counts[base + 3] as number) + 1;
  }
  const columns = counts.map((count) => new Float64Array(count));
  const filled = new Array<number>(counts.length).fill(0);
  const put = (column: number, value: number | null): void => {
    if (value === null) return;
    (columns[column] as Float64Array)[filled[column] as number] = value;
    filled[column] = (filled[column] as number) + 1;
  };
  for (let at = 0; at < incidents.length; at += 1) {
    const { timeToDetect, timeToAcknowledge, timeToMitigate, timeToResolve } = (incidents[at] as ReportedIncident)
      .durations;
    const base = (groupOf[at] as number) * PHASES.length;
    put(base, timeToDetect);
    put(base + 1, timeToAcknowledge);
    put(base + 2, timeToMitigate);
    put(base + 3, timeToResolve);
  }
  return [...indexOf.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, group]) => {
      const stats = (phase: number) => statsOfSorted((columns[group * PHASES.length + phase] as Float64Array).sort());
      return {
        key,
        incidents: sizes[group] as number,
        timeToDetect: stats(0),
        timeToAcknowledge: stats(1),
        timeToMitigate: stats(2),
        timeToResolve: stats(3),
      };
    });
}
