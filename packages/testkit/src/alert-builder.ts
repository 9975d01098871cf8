import {
  alertOccurrenceId,
  alertScope,
  DEFAULT_CORRELATION_SETTINGS,
  labelsFingerprint,
  normaliseLabels,
  type Alert,
} from '@sitrep/domain';

const T0 = Date.parse('2026-11-22T03:00:00Z');

/** Minute `m` of a test's alert stream (2026-11-22 03:00 UTC plus m minutes). */
export const minute = (m: number): Date => new Date(T0 + m * 60_000);

/**
 * A domain Alert as ingest would make it: firing, or resolved when `ends` is given; times in
 * minutes of the test stream. `generatorURL` links the alert's rule, as Prometheus sets it.
 */
export function domainAlert(
  labels: Record<string, string>,
  timing: { starts: number; received: number; ends?: number },
  annotations: Record<string, string> = {},
  source: { generatorURL?: string } = {},
): Alert {
  const normalised = normaliseLabels(labels);
  const fingerprint = labelsFingerprint(normalised);
  const status = timing.ends === undefined ? 'firing' : 'resolved';
  return {
    occurrenceId: alertOccurrenceId(fingerprint, minute(timing.starts), status),
    fingerprint,
    status,
    labels: normalised,
    scope: alertScope(normalised, DEFAULT_CORRELATION_SETTINGS.scopeLabels),
    annotations: normaliseLabels(annotations),
    startsAt: minute(timing.starts),
    endsAt: timing.ends === undefined ? null : minute(timing.ends),
    generatorURL: source.generatorURL ?? null,
    receivedAt: minute(timing.received),
    listing: null,
  };
}
