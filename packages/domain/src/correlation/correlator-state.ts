import type { Alert } from '../alert.js';
import { alertScope, type Scope } from '../scope.js';
import type { Change } from '../change.js';
import type { IncidentAlert, IncidentChange } from './incident-event.js';
import type { SignalClass } from './signal.js';
import type { Severity } from './severity.js';

export interface AlertSlot {
  alert: IncidentAlert;
  /** endsAt of the resolved report; null while firing. */
  endsAt: Date | null;
}

/**
 * Where an incident stands for the correlator: `resolving` while every alert has resolved and the
 * quiet period runs (an alert firing now brings it back to `open`), `resolved` once it has run out.
 * Readers of incident events see it through IncidentSummaryStatus; the recorder adds people's
 * entries on top (IncidentStatus).
 */
export type CorrelatorIncidentStatus = 'open' | 'resolving' | 'resolved';

export interface IncidentState {
  id: string;
  scope: string;
  service: string;
  qualifiers: Record<string, string>;
  services: string[];
  status: CorrelatorIncidentStatus;
  sequence: number;
  startedAt: Date;
  detectedAt: Date;
  severity: Severity;
  /** Current occurrence per fingerprint. */
  alerts: Map<string, AlertSlot>;
  changes: IncidentChange[];
  /** Per signal and service, the earliest alert ever attached: kept even when an alert re-fires. */
  causes: Map<string, AlertCause>;
  causeSignature: string;
  /** Receipt time of the resolution that left no alert firing. */
  quietSince: Date | null;
  resolvedAt: Date | null;
  /**
   * When its quiet period ran out and the correlator resolved it: the reopen window counts from
   * here. Not a person closing the incident (that is the recorder's `closedAt`).
   */
  quietPeriodEndedAt: Date | null;
}

/** A signal on a service, since its earliest alert: one probable-cause candidate. */
export interface AlertCause {
  readonly signal: SignalClass;
  readonly service: string;
  readonly since: Date;
}

export interface OrphanResolution {
  readonly alert: Alert;
}

export interface CorrelatorState {
  readonly incidents: Map<string, IncidentState>;
  readonly recentChanges: Map<string, Change>;
  /** Resolved reports seen before their firing report, by fingerprint and startsAt. */
  readonly orphans: Map<string, OrphanResolution>;
  /** The stream's time: the latest receipt time seen. */
  now: Date;
}

export function emptyState(): CorrelatorState {
  return { incidents: new Map(), recentChanges: new Map(), orphans: new Map(), now: new Date(0) };
}

// JSON-safe mirror of the state: dates as ISO strings, maps as arrays. Versioned so a stored
// snapshot from an older release is recognised rather than misread.
type Json<T> = T extends Date
  ? string
  : T extends Map<string, infer V>
    ? [string, Json<V>][]
    : T extends readonly (infer E)[]
      ? Json<E>[]
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

export interface CorrelatorSnapshot {
  readonly version: 1;
  readonly state: Json<CorrelatorState>;
}

export function snapshotOf(state: CorrelatorState): CorrelatorSnapshot {
  // JSON.stringify turns Dates into ISO strings; Maps need turning into entry arrays first.
  const json: unknown = JSON.parse(
    JSON.stringify(state, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value)),
  );
  return { version: 1, state: json as Json<CorrelatorState> };
}

// Explicit revivers, field by field: a generic "looks like a date" reviver would also turn a
// label value or a change summary that happens to be a timestamp into a Date.
const date = (value: string): Date => new Date(value);
const maybeDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

function reviveIncidentAlert(alert: Json<IncidentAlert>): IncidentAlert {
  return { ...alert, startsAt: date(alert.startsAt), receivedAt: date(alert.receivedAt) };
}

function reviveIncidentChange(change: Json<IncidentChange>): IncidentChange {
  return { ...change, at: date(change.at) };
}

/** Snapshots written before quietPeriodEndedAt had its name call it closedAt. */
type LegacyIncident = Omit<Json<IncidentState>, 'quietPeriodEndedAt'> & {
  readonly quietPeriodEndedAt?: string | null;
  readonly closedAt?: string | null;
};

function reviveIncident(incident: LegacyIncident): IncidentState {
  return {
    ...incident,
    qualifiers: { ...incident.qualifiers },
    services: [...incident.services],
    startedAt: date(incident.startedAt),
    detectedAt: date(incident.detectedAt),
    alerts: new Map(
      incident.alerts.map(([fingerprint, slot]) => [
        fingerprint,
        { alert: reviveIncidentAlert(slot.alert), endsAt: maybeDate(slot.endsAt) },
      ]),
    ),
    changes: incident.changes.map(reviveIncidentChange),
    causes: new Map(incident.causes.map(([key, cause]) => [key, { ...cause, since: date(cause.since) }])),
    quietSince: maybeDate(incident.quietSince),
    resolvedAt: maybeDate(incident.resolvedAt),
    quietPeriodEndedAt: maybeDate(incident.quietPeriodEndedAt ?? incident.closedAt ?? null),
  };
}

function reviveChange(change: Json<Change>): Change {
  return { ...change, at: date(change.at), receivedAt: date(change.receivedAt) };
}

/** Alerts in snapshots written before alerts carried their scope get it from their labels. */
function reviveAlert(
  alert: Omit<Json<Alert>, 'scope'> & { scope?: Json<Scope> },
  scopeLabels: readonly string[],
): Alert {
  return {
    ...alert,
    scope: alert.scope ?? alertScope(alert.labels, scopeLabels),
    startsAt: date(alert.startsAt),
    endsAt: maybeDate(alert.endsAt),
    receivedAt: date(alert.receivedAt),
  };
}

/** Inverse of snapshotOf. */
export function stateFromSnapshot(snapshot: CorrelatorSnapshot, scopeLabels: readonly string[]): CorrelatorState {
  if ((snapshot.version as number) !== 1) {
    throw new Error(`unsupported correlator snapshot version ${String(snapshot.version)}`);
  }
  const raw = snapshot.state;
  return {
    incidents: new Map(raw.incidents.map(([id, incident]) => [id, reviveIncident(incident)])),
    recentChanges: new Map(raw.recentChanges.map(([id, change]) => [id, reviveChange(change)])),
    orphans: new Map(raw.orphans.map(([key, orphan]) => [key, { alert: reviveAlert(orphan.alert, scopeLabels) }])),
    now: date(raw.now),
  };
}
