// The one-shot hash: about three times faster than createHash for these short inputs, and ids
// are computed for every record read.
import { hash } from 'node:crypto';
import type { Labels } from './labels.js';
import type { Scope } from './scope.js';

export type AlertStatus = 'firing' | 'resolved';

/**
 * How ingest learned when an alert's condition first held: the pending alert Prometheus listed
 * (`prometheus_active`, its activeAt), the rule's `for:` as Prometheus reported it
 * (`prometheus_rule`), or the correlation file's `alert_for` (`correlation_file`).
 */
export const CONDITION_SOURCES = ['prometheus_active', 'prometheus_rule', 'correlation_file'] as const;
export type ConditionSource = (typeof CONDITION_SOURCES)[number];

/**
 * When the alert's condition first held. Prometheus stamps startsAt when a rule fires, after its
 * `for:` (the alert was pending since activeAt), so startsAt is late by up to `for`; ingest
 * learns the difference at receipt and records it, so every reader concludes the same.
 */
export interface AlertCondition {
  /** Not after the alert's startsAt. */
  readonly since: Date;
  readonly source: ConditionSource;
}

/**
 * What ingest knows, when a notification arrives, about when an alert's condition first held;
 * null when it knows nothing. Answers from memory only: it runs on the webhook's request path.
 */
export type ConditionLookup = (alert: Pick<Alert, 'labels' | 'startsAt' | 'status'>) => AlertCondition | null;

/** Knows nothing: every alert's impact counts from its startsAt. */
export const NO_CONDITION: ConditionLookup = () => null;

/**
 * Where a complete Alertmanager notification listed the alert. Alertmanager lists every alert
 * of its group in every notification, so an occurrence an earlier notification of the group
 * listed as firing and a later one no longer lists has ended, even without a resolved report.
 */
export interface AlertListing {
  /** The group, as an id of the sending Alertmanager's external URL, the receiver and the group key. */
  readonly group: string;
  /** How many alerts of the notification share this alert's record key; null when not said. */
  readonly alertsWithKey: number | null;
}

/**
 * One alert as one notification reported it. Alertmanager re-sends the same alert many times
 * (every group_interval, from each HA peer, on each retry); `occurrenceId` is equal across all of
 * those copies, so consumers can de-duplicate.
 */
export interface Alert {
  readonly occurrenceId: string;
  /** Identifies the label set, not the occurrence: the same alert firing again keeps it. */
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly labels: Labels;
  /** What it is about, under the scope labels ingest was configured with when it received it. */
  readonly scope: Scope;
  readonly annotations: Labels;
  readonly startsAt: Date;
  /** Null while firing: Alertmanager sends Go's zero time for "no end yet". */
  readonly endsAt: Date | null;
  readonly generatorURL: string | null;
  /** When Sitrep received the notification, from the injected clock. */
  readonly receivedAt: Date;
  /** Null when the notification was truncated (its listing is incomplete and proves nothing). */
  readonly listing: AlertListing | null;
  /** When its condition first held, when ingest knew; absent when unknown (and on older records). */
  readonly condition?: AlertCondition;
}

/**
 * Stable id of one state of one alert occurrence: (fingerprint, startsAt) names the occurrence,
 * status separates its firing report from its resolved report. The resolved copy's endsAt is not
 * part of it: Alertmanager may move endsAt between repeats of the same resolution.
 */
/**
 * The id of an Alertmanager group, as a listing names it: a digest of the sending Alertmanager's
 * external URL, the receiver and the group key (under `group_by: ['...']` the key holds every
 * label of the alert; the correlator keeps one listing per group).
 */
export function alertmanagerGroupId(externalURL: string, receiver: string, groupKey: string): string {
  return hash('sha256', `${externalURL}\u0000${receiver}\u0000${groupKey}`, 'base64url').slice(0, 22);
}

export function alertOccurrenceId(fingerprint: string, startsAt: Date, status: AlertStatus): string {
  return hash('sha256', `${fingerprint}\u0000${startsAt.toISOString()}\u0000${status}`, 'hex').slice(0, 32);
}
