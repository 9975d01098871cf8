import type { Change } from '../change.js';
import { FiringListing } from './firing-listing.js';
import type { IncidentAlert, IncidentChange } from './incident-event.js';
import type { SignalClass } from './signal.js';
import type { Severity } from './severity.js';

export interface AlertSlot {
  alert: IncidentAlert;
  /** When the occurrence ended (reported, replaced, left its group, or gone stale); null while firing. */
  endsAt: Date | null;
  /** Receipt time of the latest report listing the occurrence as firing: staleness counts from here. */
  lastSeenAt: Date;
  /**
   * When Sitrep concluded, without a report saying so, that the occurrence ended (it left its
   * group's listing, or went stale). A later report listing it as firing proves that wrong.
   */
  presumedEndedAt: Date | null;
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

/**
 * The alerts one complete notification of an Alertmanager group listed, for one record key,
 * while its records are still arriving: by fingerprint, the startsAt of a firing alert (null for
 * a resolved one).
 */
export interface PendingListing {
  readonly receivedAt: Date;
  /** How many alerts of the notification share the key; null when the record did not say. */
  readonly expected: number | null;
  readonly listed: Map<string, Date | null>;
}

export interface CorrelatorState {
  readonly incidents: Map<string, IncidentState>;
  readonly recentChanges: Map<string, Change>;
  /**
   * Per Alertmanager group and record key (`group NUL key`), the firing occurrences (fingerprint
   * to startsAt) its latest complete notification listed: one missing from the next has ended.
   */
  readonly listings: Map<string, FiringListing>;
  /** Notifications whose records are still arriving, by the same key. */
  readonly pending: Map<string, PendingListing>;
  /** The stream's time: the latest receipt time seen. */
  now: Date;
}

export function emptyState(): CorrelatorState {
  return { incidents: new Map(), recentChanges: new Map(), listings: new Map(), pending: new Map(), now: new Date(0) };
}

// JSON-safe mirror of the state: dates as ISO strings, maps as arrays. Versioned so a stored
// snapshot from an older release is recognised rather than misread.
type Json<T> = T extends Date
  ? string
  : T extends FiringListing
    ? [string, string][]
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

function reviveIncidentAlert({ condition, ...alert }: Json<IncidentAlert>): IncidentAlert {
  return {
    ...alert,
    startsAt: date(alert.startsAt),
    receivedAt: date(alert.receivedAt),
    ...(condition === undefined ? {} : { condition: { ...condition, since: date(condition.since) } }),
  };
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
        {
          alert: reviveIncidentAlert(slot.alert),
          endsAt: maybeDate(slot.endsAt),
          // Snapshots from before staleness was tracked: the occurrence was last seen when attached.
          lastSeenAt: date((slot as { lastSeenAt?: string }).lastSeenAt ?? slot.alert.receivedAt),
          presumedEndedAt: maybeDate((slot as { presumedEndedAt?: string | null }).presumedEndedAt ?? null),
        },
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

/** Inverse of snapshotOf. */
export function stateFromSnapshot(snapshot: CorrelatorSnapshot): CorrelatorState {
  if ((snapshot.version as number) !== 1) {
    throw new Error(`unsupported correlator snapshot version ${String(snapshot.version)}`);
  }
  // Snapshots from before group listings existed have none (and parked resolutions, `orphans`,
  // which are now applied at once and so have nothing to restore).
  const raw = snapshot.state as Omit<Json<CorrelatorState>, 'listings' | 'pending'> &
    Partial<Pick<Json<CorrelatorState>, 'listings' | 'pending'>>;
  return {
    incidents: new Map(raw.incidents.map(([id, incident]) => [id, reviveIncident(incident)])),
    recentChanges: new Map(raw.recentChanges.map(([id, change]) => [id, reviveChange(change)])),
    listings: new Map(
      (raw.listings ?? []).map(([key, listed]) => [
        key,
        FiringListing.of(listed.map(([fp, startsAt]) => [fp, date(startsAt)] as const)),
      ]),
    ),
    pending: new Map(
      (raw.pending ?? []).map(([key, pending]) => [
        key,
        {
          receivedAt: date(pending.receivedAt),
          expected: pending.expected,
          listed: new Map(pending.listed.map(([fp, startsAt]) => [fp, maybeDate(startsAt)])),
        },
      ]),
    ),
    now: date(raw.now),
  };
}
