import type { OpenIncidentCount } from '@sitrep/store';

/** The label value for the services beyond the limit. */
export const OTHER_SERVICE = 'other';

/** Services named in metric labels by default (SITREP_METRICS_MAX_SERVICES). */
export const DEFAULT_MAX_SERVICE_LABELS = 50;

/**
 * A metric label for incident services that cannot grow without bound: the first `max`
 * services seen keep their names, every later one is `other`. A histogram series once created
 * stays for the life of the process, so the set must only grow to its limit, never churn.
 */
export function boundedServiceLabel(max: number): (service: string) => string {
  const named = new Set<string>();
  return (service) => {
    if (named.has(service)) return service;
    if (named.size >= max) return OTHER_SERVICE;
    named.add(service);
    return service;
  };
}

/**
 * Open-incident counts with the `max` services that have the most open incidents named, and the
 * rest summed into `other` per severity: a gauge is rebuilt on every scrape, so it can follow
 * whichever services are busy now.
 */
export function topServiceCounts(counts: readonly OpenIncidentCount[], max: number): OpenIncidentCount[] {
  const perService = new Map<string, number>();
  for (const { service, count } of counts) perService.set(service, (perService.get(service) ?? 0) + count);
  const kept = new Set(
    [...perService]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, max)
      .map(([service]) => service),
  );
  const out = new Map<string, OpenIncidentCount>();
  for (const { service, severity, count } of counts) {
    const label = kept.has(service) ? service : OTHER_SERVICE;
    const key = JSON.stringify([label, severity]);
    out.set(key, { service: label, severity, count: (out.get(key)?.count ?? 0) + count });
  }
  return [...out.values()];
}
