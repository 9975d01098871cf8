import type { AlertCondition } from '../alert.js';
import type { Labels } from '../labels.js';
import type { Severity } from './severity.js';
import type { SignalClass } from './signal.js';

/** One alert occurrence as an incident knows it. */
export interface IncidentAlert {
  /** Occurrence id of the firing report. */
  readonly alertId: string;
  readonly fingerprint: string;
  readonly alertname: string;
  readonly signal: SignalClass;
  readonly service: string;
  readonly severity: Severity;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: Date;
  readonly receivedAt: Date;
  /** The alert's value when it reports one (a `value` annotation or label), e.g. 0.31 for 31 %. */
  readonly value: number | null;
  readonly generatorURL: string | null;
  /**
   * When its condition first held (before startsAt by the rule's `for:`), as ingest learned it;
   * absent when unknown, and on events written before it existed.
   */
  readonly condition?: AlertCondition;
}

export interface IncidentChange {
  readonly changeId: string;
  readonly service: string;
  readonly kind: string;
  readonly summary: string;
  readonly at: Date;
  readonly link: string | null;
}

export interface CauseHint {
  readonly rank: number;
  /** A signal class, or `change`. */
  readonly signal: SignalClass | 'change';
  readonly service: string;
  /** When this cause began: its first alert's startsAt, or the change's time. */
  readonly since: Date;
  readonly reason: string;
  /** The change, when the hint is one. */
  readonly changeId?: string;
}

interface EventBase<T extends string, D> {
  /** Deterministic: the same input stream gives the same ids. */
  readonly id: string;
  readonly type: T;
  readonly incidentId: string;
  /** 1, 2, 3... per incident, no gaps. */
  readonly sequence: number;
  /** Time in the alert stream (receipt times, startsAt/endsAt), never the wall clock. */
  readonly occurredAt: Date;
  readonly data: D;
}

export type IncidentOpened = EventBase<
  'incident.opened',
  {
    readonly scope: string;
    readonly service: string;
    readonly severity: Severity;
    readonly startedAt: Date;
    readonly detectedAt: Date;
  }
>;
export type AlertAttached = EventBase<'incident.alert_attached', { readonly alert: IncidentAlert }>;
/**
 * How Sitrep knows an alert occurrence ended: Alertmanager `resolved` it; a newer occurrence of
 * the same alert `replaced` it (Alertmanager sends no resolution for an alert that fires again
 * before its group's next notification); a complete notification of its group no longer listed
 * it (`not_in_group`: resolved without send_resolved, or silenced); or no notification repeated
 * it for the stale window (`stale`: its resolution was lost).
 */
export const ALERT_END_REASONS = ['resolved', 'replaced', 'not_in_group', 'stale'] as const;
export type AlertEndReason = (typeof ALERT_END_REASONS)[number];

export type AlertResolved = EventBase<
  'incident.alert_resolved',
  {
    readonly alertId: string;
    readonly fingerprint: string;
    readonly endsAt: Date;
    readonly receivedAt: Date;
    readonly reason: AlertEndReason;
  }
>;
export type ChangeAttached = EventBase<'incident.change_attached', { readonly change: IncidentChange }>;
export type SeverityChanged = EventBase<
  'incident.severity_changed',
  { readonly from: Severity; readonly to: Severity }
>;
export type CauseRanked = EventBase<'incident.cause_ranked', { readonly hints: readonly CauseHint[] }>;
/**
 * Every alert has ended and the quiet period runs: resolved at `resolvesAt` unless an alert fires
 * again before (then the incident is open again, without a new incident).
 */
export type IncidentResolving = EventBase<'incident.resolving', { readonly resolvesAt: Date }>;
export type IncidentResolved = EventBase<'incident.resolved', { readonly resolvedAt: Date }>;
export type IncidentReopened = EventBase<'incident.reopened', { readonly byAlertFingerprint: string }>;

/**
 * An event of a type a newer Sitrep added, read by this one (a rolling upgrade): it takes its
 * place in the incident's sequence and changes nothing here. The correlator never emits it.
 */
export type UnrecognisedEvent = EventBase<'incident.unrecognised', { readonly type: string }>;

export type IncidentEvent =
  | IncidentOpened
  | AlertAttached
  | AlertResolved
  | ChangeAttached
  | SeverityChanged
  | CauseRanked
  | IncidentResolving
  | IncidentResolved
  | IncidentReopened
  | UnrecognisedEvent;

export type IncidentEventType = IncidentEvent['type'];
