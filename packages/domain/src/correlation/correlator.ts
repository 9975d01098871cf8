import { createHash } from 'node:crypto';
import type { Alert } from '../alert.js';
import type { Change } from '../change.js';
import type { IncidentAlert, IncidentChange, IncidentEvent, IncidentEventType } from './incident-event.js';
import { candidateKey, rankCandidates } from './probable-cause.js';
import { higherSeverity, severityOf } from './severity.js';
import type { CorrelationSettings } from './settings.js';
import { classifySignal } from './signal.js';
import { IncidentIndex } from './incident-index.js';
import {
  emptyState,
  snapshotOf,
  stateFromSnapshot,
  type AlertSlot,
  type CorrelatorIncidentStatus,
  type CorrelatorSnapshot,
  type CorrelatorState,
  type IncidentState,
  type OrphanResolution,
} from './correlator-state.js';
import { scopeKey, type Scope } from '../scope.js';

function eventId(incidentId: string, sequence: number): string {
  return createHash('sha256').update(`${incidentId}\u0000${sequence}`).digest('hex').slice(0, 32);
}

/**
 * From the opening alert's occurrence and receipt time: a late copy of an occurrence whose
 * incident was long forgotten opens a new incident under a new id, never a second one under the
 * old id.
 */
function incidentIdFor(alert: Alert): string {
  const seed = `${alert.occurrenceId}\u0000${alert.receivedAt.toISOString()}`;
  return `inc_${createHash('sha256').update(seed).digest('hex').slice(0, 20)}`;
}

/** Code-unit order: unlike localeCompare, the same on every host. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function alertValue(alert: Alert): number | null {
  const raw = alert.annotations.value ?? alert.labels.value;
  if (raw === undefined) return null;
  const value = Number(raw.trim().replace(/%$/, ''));
  if (!Number.isFinite(value)) return null;
  return raw.trim().endsWith('%') ? value / 100 : value;
}

const later = (a: Date, b: Date): Date => (a > b ? a : b);
const earlier = (a: Date, b: Date): Date => (a < b ? a : b);

/**
 * Correlates alert records and changes into incidents. Pure: time is the stream's (each
 * record's receipt time), so a replay of the same records in the same order yields the same
 * incidents and the same event ids. Feed records with applyAlert/applyChange; call tick(now) to
 * let quiet periods end when no record arrives (the service ticks with its clock).
 */
export class Correlator {
  private readonly state: CorrelatorState;

  constructor(
    private readonly settings: CorrelationSettings,
    snapshot?: CorrelatorSnapshot,
  ) {
    this.state = snapshot ? stateFromSnapshot(snapshot, settings.scopeLabels) : emptyState();
    this.index = IncidentIndex.build(this.state.incidents.values(), settings.dependencies);
  }

  /** Lookups derived from the state (never stored): a record costs O(its incident), not O(all). */
  private readonly index: IncidentIndex;

  /**
   * Everything the correlator knows, as JSON-safe data: restoring it (new Correlator(settings,
   * snapshot)) and feeding the records that followed gives the same events as never stopping.
   */
  snapshot(): CorrelatorSnapshot {
    return snapshotOf(this.state);
  }

  private get incidents(): Map<string, IncidentState> {
    return this.state.incidents;
  }

  private get recentChanges(): Map<string, Change> {
    return this.state.recentChanges;
  }

  private get orphans(): Map<string, OrphanResolution> {
    return this.state.orphans;
  }

  private get now(): Date {
    return this.state.now;
  }

  private set now(value: Date) {
    this.state.now = value;
  }

  /** Open (or resolving) incidents: the ones alerts can still join. */
  openIncidentCount(): number {
    return this.index.openCount();
  }

  /** The earliest time at which tick() would emit something, for the service's timer. */
  nextDeadline(): Date | null {
    if (this.deadline === undefined) {
      let next: Date | null = null;
      for (const incident of this.index.resolvingIncidents()) {
        if (incident.quietSince) {
          const due = new Date(incident.quietSince.getTime() + this.settings.quietPeriodMs);
          if (next === null || due < next) next = due;
        }
      }
      this.deadline = next;
    }
    return this.deadline;
  }

  /** Cached nextDeadline(); undefined when an incident entered or left its quiet period since. */
  private deadline: Date | null | undefined;
  /** Stream time of the last memory clean-up; pruning decides nothing, so it need not be exact. */
  private lastPrune = 0;

  tick(now: Date): IncidentEvent[] {
    if (now > this.now) this.now = now;
    const events: IncidentEvent[] = [];
    const deadline = this.nextDeadline();
    if (deadline !== null && deadline <= this.now) {
      for (const incident of this.index.resolvingIncidents()) {
        if (!incident.quietSince) continue;
        const due = new Date(incident.quietSince.getTime() + this.settings.quietPeriodMs);
        if (due > this.now) continue;
        this.setStatus(incident, 'resolved');
        incident.quietPeriodEndedAt = due;
        incident.resolvedAt = this.latestEnd(incident);
        events.push(this.emit(incident, 'incident.resolved', due, { resolvedAt: incident.resolvedAt }));
      }
    }
    if (this.now.getTime() - this.lastPrune >= 60_000) {
      this.lastPrune = this.now.getTime();
      this.prune();
    }
    return events;
  }

  private setStatus(incident: IncidentState, status: CorrelatorIncidentStatus): void {
    if (incident.status === status) return;
    if (incident.status === 'resolving' || status === 'resolving') this.deadline = undefined;
    this.index.setStatus(incident, status);
  }

  applyAlert(alert: Alert): IncidentEvent[] {
    const events = this.tick(alert.receivedAt);
    if (alert.status === 'resolved') return [...events, ...this.resolveAlert(alert)];
    return [...events, ...this.fireAlert(alert)];
  }

  /**
   * Changes do not move the stream's time: they come from another topic, and a correlator whose
   * alerts lag must not end quiet periods early because a change was reported meanwhile.
   */
  applyChange(change: Change): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    if (this.recentChanges.has(change.id)) return events;
    this.recentChanges.set(change.id, change);
    for (const incident of this.index.openIncidentsNear(change.service)) {
      events.push(...this.attachRelevantChanges(incident, incident.detectedAt));
    }
    return events;
  }

  private fireAlert(alert: Alert): IncidentEvent[] {
    const { scope } = alert;
    const owner = this.incidentOf(alert.fingerprint);
    if (owner) {
      const slot = owner.alerts.get(alert.fingerprint) as AlertSlot;
      const sameOccurrence = slot.alert.startsAt.getTime() === alert.startsAt.getTime();
      // A repeat, an HA copy, or a late firing copy of an occurrence already resolved: nothing new.
      if (sameOccurrence) return [];
      if (alert.startsAt < slot.alert.startsAt) return [];
      if (owner.status === 'resolved') {
        const reopenUntil = (owner.quietPeriodEndedAt?.getTime() ?? 0) + this.settings.reopenWindowMs;
        if (alert.receivedAt.getTime() <= reopenUntil) return this.reopen(owner, alert, scope);
      } else if (slot.endsAt === null) {
        // A new occurrence means the previous one ended, even if its resolution was never sent
        // (Alertmanager skips it when the alert fires again within one group interval).
        if (!this.isFrozen(owner))
          return [...this.endReplaced(owner, slot, alert), ...this.attach(owner, alert, scope)];
        const ended = this.markResolved(owner, slot, { ...alert, status: 'resolved', endsAt: alert.startsAt });
        const target = this.findJoinable(scope);
        return [...ended, ...(target ? this.attach(target, alert, scope) : this.open(alert, scope))];
      } else if (!this.isFrozen(owner)) {
        return this.attach(owner, alert, scope);
      }
    }
    const target = this.findJoinable(scope);
    if (target) return this.attach(target, alert, scope);
    return this.open(alert, scope);
  }

  private resolveAlert(alert: Alert): IncidentEvent[] {
    const owner = this.incidentOf(alert.fingerprint);
    const slot = owner?.alerts.get(alert.fingerprint);
    if (!owner || !slot || slot.alert.startsAt.getTime() !== alert.startsAt.getTime()) {
      // Possibly ahead of its firing report; keep it briefly so the pair still matches.
      this.orphans.set(`${alert.fingerprint}\u0000${alert.startsAt.toISOString()}`, { alert });
      return [];
    }
    if (slot.endsAt !== null) return [];
    return this.markResolved(owner, slot, alert);
  }

  private markResolved(incident: IncidentState, slot: AlertSlot, alert: Alert): IncidentEvent[] {
    const endsAt = alert.endsAt ?? alert.receivedAt;
    slot.endsAt = endsAt;
    const events: IncidentEvent[] = [
      this.emit(incident, 'incident.alert_resolved', alert.receivedAt, {
        alertId: slot.alert.alertId,
        fingerprint: alert.fingerprint,
        endsAt,
        receivedAt: alert.receivedAt,
      }),
    ];
    this.index.alertResolved(incident);
    if (this.index.firingCount(incident) === 0) {
      incident.quietSince = alert.receivedAt;
      this.setStatus(incident, 'resolving');
      events.push(...this.tick(alert.receivedAt));
    }
    return events;
  }

  private incidentOf(fingerprint: string): IncidentState | undefined {
    return this.index.incidentWith(fingerprint);
  }

  /** Age counts from detection: an alert that fired long before Sitrep saw it does not freeze its incident. */
  private isFrozen(incident: IncidentState): boolean {
    return this.now.getTime() - incident.detectedAt.getTime() > this.settings.maxIncidentAgeMs;
  }

  /** Ends an occurrence replaced by a newer one in the same incident, without a status change. */
  private endReplaced(incident: IncidentState, slot: AlertSlot, alert: Alert): IncidentEvent[] {
    slot.endsAt = alert.startsAt;
    this.index.alertResolved(incident);
    return [
      this.emit(incident, 'incident.alert_resolved', alert.receivedAt, {
        alertId: slot.alert.alertId,
        fingerprint: alert.fingerprint,
        endsAt: alert.startsAt,
        receivedAt: alert.receivedAt,
      }),
    ];
  }

  private compatible(incident: IncidentState, scope: Scope): boolean {
    if (!this.settings.dependencies.related(incident.service, scope.service)) return false;
    for (const [label, value] of Object.entries(scope.qualifiers)) {
      const theirs = incident.qualifiers[label];
      if (theirs !== undefined && theirs !== value) return false;
    }
    return true;
  }

  /** The open incident a new alert of this scope joins: same scope first, then the most recent. */
  private findJoinable(scope: Scope): IncidentState | undefined {
    const key = scopeKey(scope);
    const candidates = this.index.openIncidentsNear(scope.service).filter((incident) => {
      if (this.isFrozen(incident) || !this.compatible(incident, scope)) return false;
      if (incident.status === 'resolving' && incident.quietSince) {
        return this.now.getTime() - incident.quietSince.getTime() <= this.settings.groupWindowMs;
      }
      return true;
    });
    candidates.sort(
      (a, b) =>
        Number(b.scope === key) - Number(a.scope === key) ||
        b.detectedAt.getTime() - a.detectedAt.getTime() ||
        compareText(a.id, b.id),
    );
    return candidates[0];
  }

  private toIncidentAlert(alert: Alert, scope: Scope): IncidentAlert {
    return {
      alertId: alert.occurrenceId,
      fingerprint: alert.fingerprint,
      alertname: alert.labels.alertname ?? 'unnamed',
      signal: classifySignal(alert.labels, this.settings.signalRules),
      service: scope.service,
      severity: severityOf(alert.labels, this.settings.severity),
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      receivedAt: alert.receivedAt,
      value: alertValue(alert),
      generatorURL: alert.generatorURL,
    };
  }

  private open(alert: Alert, scope: Scope): IncidentEvent[] {
    const incidentAlert = this.toIncidentAlert(alert, scope);
    const incident: IncidentState = {
      id: incidentIdFor(alert),
      scope: scopeKey(scope),
      service: scope.service,
      qualifiers: { ...scope.qualifiers },
      services: [],
      status: 'open',
      sequence: 0,
      startedAt: alert.startsAt,
      detectedAt: alert.receivedAt,
      severity: incidentAlert.severity,
      alerts: new Map(),
      changes: [],
      causes: new Map(),
      causeSignature: '',
      quietSince: null,
      resolvedAt: null,
      quietPeriodEndedAt: null,
    };
    this.incidents.set(incident.id, incident);
    this.index.add(incident);
    const events: IncidentEvent[] = [
      this.emit(incident, 'incident.opened', alert.receivedAt, {
        scope: scopeKey(scope),
        service: scope.service,
        severity: incident.severity,
        startedAt: incident.startedAt,
        detectedAt: incident.detectedAt,
      }),
    ];
    events.push(...this.attach(incident, alert, scope, incidentAlert));
    return events;
  }

  private reopen(incident: IncidentState, alert: Alert, scope: Scope): IncidentEvent[] {
    this.setStatus(incident, 'open');
    incident.quietSince = null;
    incident.resolvedAt = null;
    incident.quietPeriodEndedAt = null;
    const events: IncidentEvent[] = [
      this.emit(incident, 'incident.reopened', alert.receivedAt, { byAlertFingerprint: alert.fingerprint }),
    ];
    events.push(...this.attach(incident, alert, scope));
    return events;
  }

  private attach(incident: IncidentState, alert: Alert, scope: Scope, prepared?: IncidentAlert): IncidentEvent[] {
    const incidentAlert = prepared ?? this.toIncidentAlert(alert, scope);
    const slot: AlertSlot = { alert: incidentAlert, endsAt: null };
    this.index.alertAttached(incident, incident.alerts.get(alert.fingerprint), alert.fingerprint);
    incident.alerts.set(alert.fingerprint, slot);
    if (!incident.services.includes(scope.service)) incident.services.push(scope.service);
    const causeKey = candidateKey(incidentAlert.signal, incidentAlert.service);
    const cause = incident.causes.get(causeKey);
    if (!cause || incidentAlert.startsAt < cause.since) {
      incident.causes.set(causeKey, {
        signal: incidentAlert.signal,
        service: incidentAlert.service,
        since: incidentAlert.startsAt,
      });
    }
    if (incident.status === 'resolving') {
      this.setStatus(incident, 'open');
      incident.quietSince = null;
    }
    const events: IncidentEvent[] = [
      this.emit(incident, 'incident.alert_attached', alert.receivedAt, { alert: incidentAlert }),
    ];
    const startedEarlier = alert.startsAt < incident.startedAt;
    incident.startedAt = earlier(incident.startedAt, alert.startsAt);
    const severity = higherSeverity(incident.severity, incidentAlert.severity);
    if (severity !== incident.severity) {
      events.push(
        this.emit(incident, 'incident.severity_changed', alert.receivedAt, { from: incident.severity, to: severity }),
      );
      incident.severity = severity;
    }
    if (startedEarlier || incident.alerts.size === 1)
      events.push(...this.attachRelevantChanges(incident, alert.receivedAt, false));
    events.push(...this.rerank(incident, alert.receivedAt));
    // Its resolved report may already have arrived (out of order).
    const orphanKey = `${alert.fingerprint}\u0000${alert.startsAt.toISOString()}`;
    const orphan = this.orphans.get(orphanKey);
    // Checked here, not left to pruning, so results do not depend on when memory was cleaned.
    if (orphan && orphan.alert.receivedAt.getTime() + this.settings.outOfOrderSkewMs >= this.now.getTime()) {
      this.orphans.delete(orphanKey);
      events.push(
        ...this.markResolved(incident, slot, {
          ...orphan.alert,
          receivedAt: later(orphan.alert.receivedAt, alert.receivedAt),
        }),
      );
    }
    return events;
  }

  /** Changes on the incident's services, or on services upstream of them, since the look-back. */
  private attachRelevantChanges(incident: IncidentState, at: Date, rerank = true): IncidentEvent[] {
    const from = incident.startedAt.getTime() - this.settings.changeLookbackMs;
    const events: IncidentEvent[] = [];
    for (const change of this.recentChanges.values()) {
      if (change.at.getTime() < from || this.changeExpired(change)) continue;
      if (incident.changes.some((attached) => attached.changeId === change.id)) continue;
      // Same service or connected through the dependency map (a balancer in front of it, a
      // database behind it): either side's change can break it.
      if (!this.settings.dependencies.related(change.service, incident.service)) continue;
      const attached: IncidentChange = {
        changeId: change.id,
        service: change.service,
        kind: change.kind,
        summary: change.summary,
        at: change.at,
        link: change.link,
      };
      incident.changes.push(attached);
      events.push(this.emit(incident, 'incident.change_attached', later(at, change.receivedAt), { change: attached }));
    }
    if (rerank && events.length > 0) events.push(...this.rerank(incident, at));
    return events;
  }

  private rerank(incident: IncidentState, at: Date): IncidentEvent[] {
    const hints = rankCandidates([...incident.causes.values()], incident.changes, this.settings.dependencies);
    const signature = JSON.stringify(hints.map((hint) => [hint.signal, hint.service, hint.since, hint.reason]));
    if (signature === incident.causeSignature) return [];
    incident.causeSignature = signature;
    return [this.emit(incident, 'incident.cause_ranked', at, { hints })];
  }

  private latestEnd(incident: IncidentState): Date {
    let latest = incident.startedAt;
    for (const slot of incident.alerts.values()) if (slot.endsAt) latest = later(latest, slot.endsAt);
    return latest;
  }

  private emit<T extends IncidentEventType>(
    incident: IncidentState,
    type: T,
    occurredAt: Date,
    data: Extract<IncidentEvent, { type: T }>['data'],
  ): IncidentEvent {
    incident.sequence += 1;
    return {
      id: eventId(incident.id, incident.sequence),
      type,
      incidentId: incident.id,
      sequence: incident.sequence,
      occurredAt,
      data,
    } as IncidentEvent;
  }

  /**
   * A change no incident can take any more: older than the look-back before the oldest start an
   * incident that is not frozen can have. Checked where changes are used too, so what pruning
   * removed and what use skips are the same, whenever pruning ran.
   */
  private changeExpired(change: Change): boolean {
    return change.at.getTime() + this.settings.changeLookbackMs + this.settings.maxIncidentAgeMs < this.now.getTime();
  }

  /** Forgets what can no longer matter, so memory follows open incidents, not history. */
  private prune(): void {
    const now = this.now.getTime();
    for (const incident of this.index.resolvedIncidents()) {
      if ((incident.quietPeriodEndedAt?.getTime() ?? 0) + this.settings.reopenWindowMs < now) {
        this.incidents.delete(incident.id);
        this.index.remove(incident);
      }
    }
    for (const [id, change] of this.recentChanges) {
      if (this.changeExpired(change)) {
        this.recentChanges.delete(id);
      }
    }
    for (const [key, orphan] of this.orphans) {
      if (orphan.alert.receivedAt.getTime() + this.settings.outOfOrderSkewMs < now) this.orphans.delete(key);
    }
  }
}
