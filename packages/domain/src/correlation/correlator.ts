import { hash } from 'node:crypto';
import { alertOccurrenceId, type Alert } from '../alert.js';
import type { Change } from '../change.js';
import { GroupListings, LISTING_GRACE_MS, type ListingEnd } from './group-listings.js';
import { StringPool } from './string-pool.js';
import type {
  AlertEndReason,
  IncidentAlert,
  IncidentChange,
  IncidentEvent,
  IncidentEventType,
} from './incident-event.js';
import { StaleDeadlines } from './stale-deadlines.js';
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
} from './correlator-state.js';
import { scopeKey, type Scope } from '../scope.js';
import { alertPart, allParts, incidentPart, listingPart, streamPart, type CorrelatorStatePart } from './state-parts.js';

function eventId(incidentId: string, sequence: number): string {
  return hash('sha256', `${incidentId}\u0000${sequence}`, 'hex').slice(0, 32);
}

/**
 * From the opening alert's occurrence and receipt time: a late copy of an occurrence whose
 * incident was long forgotten opens a new incident under a new id, never a second one under the
 * old id.
 */
function incidentIdFor(alert: Alert): string {
  const seed = `${alert.occurrenceId}\u0000${alert.receivedAt.toISOString()}`;
  return `inc_${hash('sha256', seed, 'hex').slice(0, 20)}`;
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
export interface CorrelatorOptions {
  /** Keep track of what changes, for changedParts(): a correlator whose state is saved in parts. */
  readonly trackChanges?: boolean;
}

export class Correlator {
  private readonly state: CorrelatorState;

  constructor(
    private readonly settings: CorrelationSettings,
    snapshot?: CorrelatorSnapshot,
    options: CorrelatorOptions = {},
  ) {
    this.state = snapshot ? stateFromSnapshot(snapshot) : emptyState();
    // A restored state's strings are each parsed on their own: shared as a live one's are.
    for (const incident of this.state.incidents.values()) {
      for (const slot of incident.alerts.values()) slot.alert = this.shared(slot.alert);
    }
    this.index = IncidentIndex.build(this.state.incidents.values(), settings.dependencies);
    this.listingsOf = new GroupListings(this.state.listings, this.state.pending, options.trackChanges === true);
    this.changes =
      options.trackChanges === true ? { headers: new Set(), slots: new Map(), forgotten: new Map() } : null;
    this.staleDeadlines = new StaleDeadlines(settings.staleAfterMs, (fingerprint) => this.incidentOf(fingerprint));
    this.staleDeadlines.rebuild(this.state.incidents.values());
  }

  /** Lookups derived from the state (never stored): a record costs O(its incident), not O(all). */
  private readonly index: IncidentIndex;
  /** The label values and services of the alerts held, shared (see StringPool). */
  private readonly strings = new StringPool();
  private readonly listingsOf: GroupListings;
  /** When each open occurrence goes stale; derived from the state, entries checked when due. */
  private readonly staleDeadlines: StaleDeadlines;

  /**
   * Everything the correlator knows, as JSON-safe data: restoring it (new Correlator(settings,
   * snapshot)) and feeding the records that followed gives the same events as never stopping.
   */
  snapshot(): CorrelatorSnapshot {
    return snapshotOf(this.state);
  }

  /**
   * The parts of the state changed since the last call (see CorrelatorStatePart): storing them
   * over the parts stored before gives the parts of snapshot(). Always includes the stream part.
   */
  changedParts(): CorrelatorStatePart[] {
    const changes = this.changes;
    if (!changes) throw new Error('changedParts() needs a correlator made with trackChanges');
    const parts: CorrelatorStatePart[] = [streamPart(this.state)];
    for (const incident of changes.headers) parts.push(incidentPart(incident));
    for (const [incident, fingerprints] of changes.slots) {
      for (const fingerprint of fingerprints) {
        parts.push(alertPart(incident.id, fingerprint, incident.alerts.get(fingerprint)));
      }
    }
    for (const [incidentId, fingerprints] of changes.forgotten) {
      parts.push({ kind: 'incident', incidentId, body: null });
      for (const fingerprint of fingerprints) parts.push(alertPart(incidentId, fingerprint, undefined));
    }
    for (const id of this.listingsOf.takeChanged()) parts.push(listingPart(id, this.state.listings.get(id)));
    changes.headers.clear();
    changes.slots.clear();
    changes.forgotten.clear();
    return parts;
  }

  /** Every part of the state, e.g. to store in parts a state restored from a whole snapshot. */
  allParts(): CorrelatorStatePart[] {
    if (this.changes) this.changedParts();
    return allParts(this.state);
  }

  /**
   * What changed since changedParts() was last called (incident headers, alert slots by
   * incident, forgotten incidents); null unless asked for, so replays and backtests, which never
   * save parts, do not collect it for every alert they see.
   */
  private readonly changes: {
    readonly headers: Set<IncidentState>;
    readonly slots: Map<IncidentState, Set<string>>;
    readonly forgotten: Map<string, string[]>;
  } | null;

  private touchSlot(incident: IncidentState, fingerprint: string): void {
    if (!this.changes) return;
    let fingerprints = this.changes.slots.get(incident);
    if (!fingerprints) {
      fingerprints = new Set();
      this.changes.slots.set(incident, fingerprints);
    }
    fingerprints.add(fingerprint);
  }

  private get incidents(): Map<string, IncidentState> {
    return this.state.incidents;
  }

  private get recentChanges(): Map<string, Change> {
    return this.state.recentChanges;
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

  /** Incidents whose alerts have all ended, in their quiet period. */
  resolvingIncidentCount(): number {
    return this.index.resolvingCount();
  }

  /** The earliest time at which tick() would emit something, for the service's timer. */
  nextDeadline(): Date | null {
    const candidates = [this.quietPeriodDeadline(), this.listingsOf.nextDue(), this.staleDeadlines.next()];
    return candidates.reduce<Date | null>(
      (next, due) => (due !== null && (next === null || due < next) ? due : next),
      null,
    );
  }

  /** The earliest end of a quiet period, cached until an incident enters or leaves one. */
  private quietPeriodDeadline(): Date | null {
    if (this.quietDeadline === undefined) {
      let next: number | null = null;
      for (const incident of this.index.resolvingUnordered()) {
        if (!incident.quietSince) continue;
        const due = incident.quietSince.getTime() + this.settings.quietPeriodMs;
        if (next === null || due < next) next = due;
      }
      this.quietDeadline = next === null ? null : new Date(next);
    }
    return this.quietDeadline;
  }

  /** Cached earliest quiet-period end; undefined when an incident entered or left its quiet period since. */
  private quietDeadline: Date | null | undefined;
  /** Stream time of the last memory clean-up; pruning decides nothing, so it need not be exact. */
  private lastPrune = 0;

  /**
   * The stream is over: lets run out what follows from what was received (notifications still
   * arriving complete, quiet periods end), and nothing later. An alert still firing stays firing,
   * unless it would have gone stale by then.
   */
  finish(): IncidentEvent[] {
    const horizon = this.now.getTime() + LISTING_GRACE_MS + this.settings.quietPeriodMs;
    const events: IncidentEvent[] = [];
    for (let due = this.nextDeadline(); due !== null && due.getTime() <= horizon; due = this.nextDeadline()) {
      events.push(...this.tick(due));
    }
    return events;
  }

  tick(now: Date): IncidentEvent[] {
    if (now > this.now) this.now = now;
    const events = [...this.endListed(this.listingsOf.due(this.now)), ...this.endStale(), ...this.endQuietPeriods()];
    if (this.now.getTime() - this.lastPrune >= 60_000) {
      this.lastPrune = this.now.getTime();
      this.prune();
    }
    return events;
  }

  /** Resolves every incident whose quiet period has run out by now. */
  private endQuietPeriods(): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    const deadline = this.quietPeriodDeadline();
    if (deadline === null || deadline > this.now) return events;
    for (const incident of this.index.resolvingIncidents()) {
      if (!incident.quietSince) continue;
      const due = new Date(incident.quietSince.getTime() + this.settings.quietPeriodMs);
      if (due > this.now) continue;
      this.setStatus(incident, 'resolved');
      incident.quietPeriodEndedAt = due;
      incident.resolvedAt = this.latestEnd(incident);
      events.push(this.emit(incident, 'incident.resolved', due, { resolvedAt: incident.resolvedAt }));
    }
    return events;
  }

  private setStatus(incident: IncidentState, status: CorrelatorIncidentStatus): void {
    if (incident.status === status) return;
    if (incident.status === 'resolving' || status === 'resolving') this.quietDeadline = undefined;
    this.index.setStatus(incident, status);
  }

  applyAlert(alert: Alert): IncidentEvent[] {
    const key = this.settings.dependencies.component(alert.scope.service);
    return [
      ...this.tick(alert.receivedAt),
      ...this.endListed(this.listingsOf.note(alert, key)),
      ...(alert.status === 'resolved' ? this.resolveAlert(alert) : this.fireAlert(alert)),
      ...this.endListed(this.listingsOf.completeIfWhole(alert, key)),
      ...this.endQuietPeriods(),
    ];
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
      if (slot.alert.startsAt.getTime() === alert.startsAt.getTime()) {
        if (slot.endsAt === null) {
          // A repeat or an HA copy: the occurrence is still firing, which staleness counts from.
          this.seen(owner, slot, alert.receivedAt);
          return [];
        }
        // A late firing copy of an occurrence that ended: nothing new, unless Sitrep only
        // presumed the end and this report, received after, says it still fires.
        if (slot.presumedEndedAt === null || alert.receivedAt <= slot.presumedEndedAt) return [];
        // Sitrep was wrong: the very occurrence still fires, so its incident was never over
        // (however long ago it resolved, e.g. a stale window shorter than repeat_interval).
        if (owner.status === 'resolved' && !this.isFrozen(owner)) return this.reopen(owner, alert, scope);
      } else if (alert.startsAt < slot.alert.startsAt) {
        // An older occurrence, already replaced by the one the incident holds.
        return [];
      }
      if (owner.status === 'resolved') {
        const reopenUntil = (owner.quietPeriodEndedAt?.getTime() ?? 0) + this.settings.reopenWindowMs;
        if (alert.receivedAt.getTime() <= reopenUntil) return this.reopen(owner, alert, scope);
      } else if (slot.endsAt === null) {
        // A new occurrence means the previous one ended, even if its resolution was never sent
        // (Alertmanager skips it when the alert fires again within one group interval).
        if (!this.isFrozen(owner))
          return [...this.endReplaced(owner, slot, alert), ...this.attach(owner, alert, scope)];
        const ended = this.markEnded(owner, slot, alert.startsAt, alert.receivedAt, 'replaced');
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
    if (owner && slot) {
      if (slot.alert.startsAt.getTime() === alert.startsAt.getTime()) {
        if (slot.endsAt !== null) return [];
        return this.markEnded(owner, slot, alert.endsAt ?? alert.receivedAt, alert.receivedAt, 'resolved');
      }
      // The resolution of an older occurrence than the one the incident holds: already over.
      if (alert.startsAt < slot.alert.startsAt) return [];
    }
    // An occurrence never seen firing: it fired and resolved between two notifications of its
    // group (Alertmanager replaced the firing one Sitrep knew, and may send only this), or an
    // HA peer's resolution overtook the firing copy. Either way it fired: apply it as fired and
    // resolved; a firing copy arriving later is then a repeat of an ended occurrence.
    const firing: Alert = {
      ...alert,
      status: 'firing',
      occurrenceId: alertOccurrenceId(alert.fingerprint, alert.startsAt, 'firing'),
      endsAt: null,
    };
    const events = this.fireAlert(firing);
    const holder = this.incidentOf(alert.fingerprint);
    const held = holder?.alerts.get(alert.fingerprint);
    if (holder && held?.endsAt === null && held.alert.startsAt.getTime() === alert.startsAt.getTime()) {
      events.push(...this.markEnded(holder, held, alert.endsAt ?? alert.receivedAt, alert.receivedAt, 'resolved'));
    }
    return events;
  }

  /**
   * Ends one occurrence: `endsAt` when it ended, `at` when Sitrep learned it (stream time). The
   * last occurrence of an incident to end starts its quiet period.
   */
  private markEnded(
    incident: IncidentState,
    slot: AlertSlot,
    endsAt: Date,
    at: Date,
    reason: AlertEndReason,
  ): IncidentEvent[] {
    slot.endsAt = endsAt;
    slot.presumedEndedAt = reason === 'not_in_group' || reason === 'stale' ? at : null;
    this.touchSlot(incident, slot.alert.fingerprint);
    const events: IncidentEvent[] = [
      this.emit(incident, 'incident.alert_resolved', at, {
        alertId: slot.alert.alertId,
        fingerprint: slot.alert.fingerprint,
        endsAt,
        receivedAt: at,
        reason,
      }),
    ];
    this.index.alertResolved(incident);
    if (this.index.firingCount(incident) === 0) {
      incident.quietSince = at;
      this.setStatus(incident, 'resolving');
      events.push(
        this.emit(incident, 'incident.resolving', at, {
          resolvesAt: new Date(at.getTime() + this.settings.quietPeriodMs),
        }),
      );
    }
    return events;
  }

  /** Occurrences a complete notification of their group no longer listed. */
  private endListed(ends: readonly ListingEnd[]): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    for (const end of ends) {
      const owner = this.incidentOf(end.fingerprint);
      const slot = owner?.alerts.get(end.fingerprint);
      if (!owner || slot?.endsAt !== null || slot.alert.startsAt.getTime() !== end.startsAt.getTime()) continue;
      events.push(...this.markEnded(owner, slot, end.at, end.at, 'not_in_group'));
    }
    return events;
  }

  private seen(incident: IncidentState, slot: AlertSlot, at: Date): void {
    if (at <= slot.lastSeenAt) return;
    slot.lastSeenAt = at;
    this.touchSlot(incident, slot.alert.fingerprint);
    this.staleDeadlines.watch(slot);
  }

  /** Occurrences no notification listed for the stale window: their resolution was lost. */
  private endStale(): IncidentEvent[] {
    return this.staleDeadlines
      .due(this.now)
      .flatMap(({ incident, slot, due }) => this.markEnded(incident, slot, slot.lastSeenAt, due, 'stale'));
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
    this.touchSlot(incident, alert.fingerprint);
    this.index.alertResolved(incident);
    return [
      this.emit(incident, 'incident.alert_resolved', alert.receivedAt, {
        alertId: slot.alert.alertId,
        fingerprint: alert.fingerprint,
        endsAt: alert.startsAt,
        receivedAt: alert.receivedAt,
        reason: 'replaced',
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

  private shared(alert: IncidentAlert): IncidentAlert {
    return {
      ...alert,
      labels: this.strings.labels(alert.labels),
      annotations: this.strings.labels(alert.annotations),
      service: this.strings.intern(alert.service),
    };
  }

  private toIncidentAlert(alert: Alert, scope: Scope): IncidentAlert {
    const labels = this.strings.labels(alert.labels);
    return {
      alertId: alert.occurrenceId,
      fingerprint: alert.fingerprint,
      alertname: labels.alertname ?? 'unnamed',
      signal: classifySignal(labels, this.settings.signalRules),
      service: this.strings.intern(scope.service),
      severity: severityOf(labels, this.settings.severity),
      labels,
      annotations: this.strings.labels(alert.annotations),
      startsAt: alert.startsAt,
      receivedAt: alert.receivedAt,
      value: alertValue(alert),
      generatorURL: alert.generatorURL,
      ...(alert.condition === undefined ? {} : { condition: alert.condition }),
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
    const slot: AlertSlot = { alert: incidentAlert, endsAt: null, lastSeenAt: alert.receivedAt, presumedEndedAt: null };
    this.staleDeadlines.watch(slot);
    this.index.alertAttached(incident, incident.alerts.get(alert.fingerprint), alert.fingerprint);
    incident.alerts.set(alert.fingerprint, slot);
    this.touchSlot(incident, alert.fingerprint);
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
    this.changes?.headers.add(incident);
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
      // One whose end Sitrep only presumed is kept a stale window longer: a late repeat of the
      // same occurrence then reopens it instead of opening a second incident.
      const presumed = [...incident.alerts.values()].some((slot) => slot.presumedEndedAt !== null);
      const keep = this.settings.reopenWindowMs + (presumed ? this.settings.staleAfterMs : 0);
      if ((incident.quietPeriodEndedAt?.getTime() ?? 0) + keep < now) {
        this.incidents.delete(incident.id);
        this.index.remove(incident);
        this.changes?.headers.delete(incident);
        this.changes?.slots.delete(incident);
        this.changes?.forgotten.set(incident.id, [...incident.alerts.keys()]);
      }
    }
    for (const [id, change] of this.recentChanges) {
      if (this.changeExpired(change)) {
        this.recentChanges.delete(id);
      }
    }
    this.listingsOf.prune((fingerprint, startsAt) => {
      const slot = this.incidentOf(fingerprint)?.alerts.get(fingerprint);
      return slot?.endsAt === null && slot.alert.startsAt.getTime() === startsAt.getTime();
    });
    if (this.staleDeadlines.crowded(this.index.firingTotal())) this.staleDeadlines.rebuild(this.incidents.values());
  }
}
