import { createHash } from 'node:crypto';
import type { Labels } from './labels.js';
import type { Scope } from './scope.js';

export type AlertStatus = 'firing' | 'resolved';

/**
 * Where a complete Alertmanager notification listed the alert. Alertmanager lists every alert
 * of its group in every notification, so an occurrence an earlier notification of the group
 * listed as firing and a later one no longer lists has ended, even without a resolved report.
 */
export interface AlertListing {
  /** The group: the sending Alertmanager's external URL, the receiver and the group key. */
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
}

/**
 * Stable id of one state of one alert occurrence: (fingerprint, startsAt) names the occurrence,
 * status separates its firing report from its resolved report. The resolved copy's endsAt is not
 * part of it: Alertmanager may move endsAt between repeats of the same resolution.
 */
export function alertOccurrenceId(fingerprint: string, startsAt: Date, status: AlertStatus): string {
  return createHash('sha256')
    .update(`${fingerprint}\u0000${startsAt.toISOString()}\u0000${status}`)
    .digest('hex')
    .slice(0, 32);
}
