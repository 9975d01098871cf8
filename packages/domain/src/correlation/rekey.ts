import type { CorrelatorSnapshot } from './correlator-state.js';
import type { CorrelationSettings } from './settings.js';

type SnapshotState = CorrelatorSnapshot['state'];
type IncidentEntry = SnapshotState['incidents'][number];

/**
 * Moves correlator states to the partitions a new keying gives them: after the alerts topic grew
 * partitions or the dependency map changed, an open incident's next alerts are keyed (and so
 * partitioned) by the new dependency component of its service, and must find the incident there.
 * Incidents go to the partition of their component; each group listing's occurrences follow the
 * incident holding them; recent changes go everywhere (every correlator reads every change); the
 * stream's time is the latest of all; notifications still arriving are dropped (a notification
 * cut short ends nothing). Pure: `partitionOf` is the bus's key partitioner.
 */
export function rekeyCorrelatorStates(
  states: readonly CorrelatorSnapshot[],
  settings: CorrelationSettings,
  partitions: number,
  partitionOf: (key: string, partitions: number) => number,
): CorrelatorSnapshot[] {
  const incidents = states.flatMap((snapshot) => snapshot.state.incidents);
  const changes = new Map(states.flatMap((snapshot) => snapshot.state.recentChanges));
  const now = states.reduce((latest, snapshot) => (snapshot.state.now > latest ? snapshot.state.now : latest), '');
  const componentOf = ([, incident]: IncidentEntry): string => settings.dependencies.component(incident.service);

  // The incident holding each fingerprint's latest occurrence, as the correlator's index decides.
  const holder = new Map<string, { readonly startsAt: string; readonly component: string }>();
  for (const entry of incidents) {
    for (const [fingerprint, slot] of entry[1].alerts) {
      const current = holder.get(fingerprint);
      if (!current || slot.alert.startsAt >= current.startsAt) {
        holder.set(fingerprint, { startsAt: slot.alert.startsAt, component: componentOf(entry) });
      }
    }
  }

  const target = Array.from({ length: partitions }, () => ({
    incidents: [] as IncidentEntry[],
    listings: new Map<string, [string, string][]>(),
  }));
  for (const entry of incidents) target[partitionOf(componentOf(entry), partitions)]?.incidents.push(entry);
  for (const snapshot of states) {
    for (const [id, listed] of snapshot.state.listings) {
      const group = id.split('\u0000')[0] ?? id;
      for (const [fingerprint, startsAt] of listed) {
        const held = holder.get(fingerprint);
        if (!held) continue;
        const listings = target[partitionOf(held.component, partitions)]?.listings;
        const key = `${group}\u0000${held.component}`;
        listings?.set(key, [...(listings.get(key) ?? []), [fingerprint, startsAt]]);
      }
    }
  }
  return target.map(({ incidents: mine, listings }) => ({
    version: 1,
    state: {
      incidents: mine,
      recentChanges: [...changes],
      listings: [...listings],
      pending: [],
      now: now === '' ? new Date(0).toISOString() : now,
    },
  }));
}
