import { DateTime } from 'luxon';
import { reliabilityReport, type ReliabilityGroup, type ReportedIncident } from '@sitrep/domain';

export const METRICS = [
  {
    key: 'timeToDetect',
    name: 'MTTD',
    title: 'Time to detect',
    formula: 'detected (Sitrep received the first alert) − impact start (when the first alert’s condition held)',
  },
  {
    key: 'timeToAcknowledge',
    name: 'MTTA',
    title: 'Time to acknowledge',
    formula: 'first acknowledged entry − detected; incidents nobody acknowledged are left out',
  },
  {
    key: 'timeToMitigate',
    name: 'MTTM',
    title: 'Time to mitigate',
    formula: 'first mitigated entry − impact start; incidents not mitigated are left out',
  },
  {
    key: 'timeToResolve',
    name: 'MTTR',
    title: 'Time to resolve',
    formula:
      'resolved (a person’s resolved entry, else every alert resolved) − impact start; open incidents are left out',
  },
] as const;

export type MetricKey = (typeof METRICS)[number]['key'];

export interface WeekPoint {
  /** Start of the week (Monday 00:00 in the page's zone), epoch ms. */
  readonly week: number;
  readonly group: ReliabilityGroup;
}

/**
 * The report's figures per week of impact start, each week computed by the same
 * reliabilityReport as the whole period (mean, median, p90 by nearest rank).
 */
export function weeklyTrend(
  incidents: readonly { readonly startedAt: Date; readonly reported: ReportedIncident }[],
  zone: string,
): WeekPoint[] {
  const weeks = new Map<number, ReportedIncident[]>();
  for (const { startedAt, reported } of incidents) {
    const week = DateTime.fromJSDate(startedAt, { zone }).startOf('week').toMillis();
    const members = weeks.get(week);
    if (members) members.push(reported);
    else weeks.set(week, [reported]);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([week, members]) => {
      const [group] = reliabilityReport(members, 'none');
      return group ? [{ week, group }] : [];
    });
}
