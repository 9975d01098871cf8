import { alertOccurrenceId, type Alert, type AlertListing, type ConditionSource } from '../alert.js';
import { changeId, type Change } from '../change.js';
import { DEFAULT_CORRELATION_SETTINGS } from '../correlation/settings.js';
import { labelsFingerprint } from '../fingerprint.js';
import { normaliseLabels } from '../labels.js';
import { alertScope } from '../scope.js';

/** Minute 0 of every test stream, and of the reference outage: 2026-11-22 03:00 UTC. */
export const TEST_EPOCH = Date.parse('2026-11-22T03:00:00Z');

/** Where a stream's minutes fall: minute 0 at `epoch`, each minute `minuteMs` long. */
export interface StreamTime {
  readonly epoch?: number;
  readonly minuteMs?: number;
}

/** The clock of a stream placed elsewhere (a live test moves it to just before now, compressed). */
export function streamTime({ epoch = TEST_EPOCH, minuteMs = 60_000 }: StreamTime = {}): (m: number) => Date {
  return (m) => new Date(epoch + m * minuteMs);
}

/** Minute `m` of a test's alert stream (fractional and negative minutes too). */
export const minute = streamTime();

/** An alert as a rule defines it: its labels and annotations, when it began, which rule sent it. */
export interface AlertSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Minute the alert started (Prometheus' startsAt). */
  readonly starts: number;
  readonly generatorURL?: string;
  /** When its condition first held (minute) and how ingest learned it; unknown when absent. */
  readonly condition?: { readonly since: number; readonly source: ConditionSource };
}

/** One report of an alert: received at minute `received`; resolved, having ended at `ends`, when given. */
export interface AlertReport {
  readonly received: number;
  readonly ends?: number;
  /** The complete notification of an Alertmanager group this report came in. */
  readonly listing?: AlertListing;
}

/**
 * The domain Alert ingest makes of one report of `spec`, at minutes of `time`, with its scope
 * under the default scope labels: the one place tests build an Alert.
 */
export function reportedAlert(spec: AlertSpec, report: AlertReport, time = minute): Alert {
  const labels = normaliseLabels(spec.labels);
  const fingerprint = labelsFingerprint(labels);
  const status = report.ends === undefined ? 'firing' : 'resolved';
  const startsAt = time(spec.starts);
  return {
    occurrenceId: alertOccurrenceId(fingerprint, startsAt, status),
    fingerprint,
    status,
    labels,
    scope: alertScope(labels, DEFAULT_CORRELATION_SETTINGS.scopeLabels),
    annotations: normaliseLabels(spec.annotations ?? {}),
    startsAt,
    endsAt: report.ends === undefined ? null : time(report.ends),
    generatorURL: spec.generatorURL ?? null,
    receivedAt: time(report.received),
    // No group listing: a test that wants Alertmanager's group snapshots says so.
    listing: report.listing ?? null,
    ...(spec.condition === undefined
      ? {}
      : { condition: { since: time(spec.condition.since), source: spec.condition.source } }),
  };
}

/**
 * A domain Alert from its labels: firing, or resolved when `timing.ends` is given; times in
 * minutes of the test stream. `generatorURL` links the alert's rule, as Prometheus sets it.
 */
export function domainAlert(
  labels: Readonly<Record<string, string>>,
  timing: { readonly starts: number; readonly received: number; readonly ends?: number },
  annotations: Readonly<Record<string, string>> = {},
  source: { readonly generatorURL?: string } = {},
): Alert {
  const { starts, ...report } = timing;
  return reportedAlert({ labels, annotations, starts, ...source }, report);
}

/** The firing report of `spec`, received at minute `received`. */
export const firing = (spec: AlertSpec, received: number): Alert => reportedAlert(spec, { received });

/** The resolved report of `spec`: it ended at minute `ends`, received at `received`. */
export const resolved = (spec: AlertSpec, ends: number, received: number): Alert =>
  reportedAlert(spec, { received, ends });

/** A change as ingest records it (its id derived, as for a sender that names none), at minute `at`. */
export function change(
  service: string,
  kind: string,
  summary: string,
  at: number,
  received = at,
  time = minute,
): Change {
  return {
    id: changeId(service, kind, time(at), summary),
    service,
    kind,
    summary,
    at: time(at),
    labels: {},
    link: null,
    receivedAt: time(received),
  };
}
