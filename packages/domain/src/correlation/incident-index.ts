import type { AlertSlot, CorrelatorIncidentStatus, IncidentState } from './correlator-state.js';
import type { DependencyMap } from './dependency-map.js';

const byDetection = (a: IncidentState, b: IncidentState): number =>
  a.detectedAt.getTime() - b.detectedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Lookups over the correlator's incidents, kept in step with every status change and attach,
 * and rebuilt from the state after a restore (so they are never part of a snapshot). Results
 * come sorted by detection time, never in set insertion order, so a restored correlator and one
 * that never stopped agree on the order of what they emit.
 */
export class IncidentIndex {
  private readonly byFingerprint = new Map<string, IncidentState>();
  private readonly openByComponent = new Map<string, Set<IncidentState>>();
  private readonly resolving = new Set<IncidentState>();
  private readonly resolved = new Set<IncidentState>();
  private readonly firing = new Map<IncidentState, number>();

  private constructor(private readonly dependencies: DependencyMap) {}

  static build(incidents: Iterable<IncidentState>, dependencies: DependencyMap): IncidentIndex {
    const index = new IncidentIndex(dependencies);
    for (const incident of incidents) index.add(incident);
    return index;
  }

  add(incident: IncidentState): void {
    this.enter(incident, incident.status);
    let firing = 0;
    for (const [fingerprint, slot] of incident.alerts) {
      if (slot.endsAt === null) firing += 1;
      // Rebuilding: the incident holding the fingerprint's latest occurrence owns it.
      const current = this.byFingerprint.get(fingerprint);
      const theirs = current?.alerts.get(fingerprint)?.alert.startsAt.getTime() ?? -Infinity;
      if (current === undefined || slot.alert.startsAt.getTime() >= theirs)
        this.byFingerprint.set(fingerprint, incident);
    }
    this.firing.set(incident, firing);
  }

  remove(incident: IncidentState): void {
    this.leave(incident, incident.status);
    this.firing.delete(incident);
    for (const fingerprint of incident.alerts.keys()) {
      if (this.byFingerprint.get(fingerprint) === incident) this.byFingerprint.delete(fingerprint);
    }
  }

  setStatus(incident: IncidentState, status: CorrelatorIncidentStatus): void {
    this.leave(incident, incident.status);
    incident.status = status;
    this.enter(incident, status);
  }

  /** Call before the slot is stored; `replaced` is the slot of the same fingerprint it replaces. */
  alertAttached(incident: IncidentState, replaced: AlertSlot | undefined, fingerprint: string): void {
    if (replaced === undefined || replaced.endsAt !== null) this.firing.set(incident, this.firingCount(incident) + 1);
    // The incident taking the newest occurrence owns the fingerprint from now on.
    this.byFingerprint.set(fingerprint, incident);
  }

  alertResolved(incident: IncidentState): void {
    this.firing.set(incident, Math.max(0, this.firingCount(incident) - 1));
  }

  /** Firing occurrences over every incident. */
  firingTotal(): number {
    let total = 0;
    for (const count of this.firing.values()) total += count;
    return total;
  }

  firingCount(incident: IncidentState): number {
    return this.firing.get(incident) ?? 0;
  }

  /** The latest incident holding this alert fingerprint. */
  incidentWith(fingerprint: string): IncidentState | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  /** Incidents not yet resolved in the service's dependency component. */
  openIncidentsNear(service: string): IncidentState[] {
    return [...(this.openByComponent.get(this.dependencies.component(service)) ?? [])].sort(byDetection);
  }

  /** For a minimum or a count, where order does not matter: no sort. */
  resolvingUnordered(): Iterable<IncidentState> {
    return this.resolving;
  }

  resolvingCount(): number {
    return this.resolving.size;
  }

  resolvingIncidents(): IncidentState[] {
    return [...this.resolving].sort(byDetection);
  }

  resolvedIncidents(): IncidentState[] {
    return [...this.resolved].sort(byDetection);
  }

  openCount(): number {
    let count = 0;
    for (const set of this.openByComponent.values()) count += set.size;
    return count;
  }

  private enter(incident: IncidentState, status: CorrelatorIncidentStatus): void {
    if (status === 'resolved') {
      this.resolved.add(incident);
      return;
    }
    if (status === 'resolving') this.resolving.add(incident);
    const component = this.dependencies.component(incident.service);
    let set = this.openByComponent.get(component);
    if (!set) {
      set = new Set();
      this.openByComponent.set(component, set);
    }
    set.add(incident);
  }

  private leave(incident: IncidentState, status: CorrelatorIncidentStatus): void {
    this.resolved.delete(incident);
    this.resolving.delete(incident);
    if (status === 'resolved') return;
    const component = this.dependencies.component(incident.service);
    const set = this.openByComponent.get(component);
    set?.delete(incident);
    if (set?.size === 0) this.openByComponent.delete(component);
  }
}
