import { alertOccurrenceId, type Alert } from '../alert.js';
import { changeId, type Change } from '../change.js';
import { labelsFingerprint } from '../fingerprint.js';
import { normaliseLabels } from '../labels.js';
import { alertScope } from '../scope.js';
import { DEFAULT_CORRELATION_SETTINGS } from './settings.js';

/** Minute `m` of the test's alert stream (m may be fractional). */
export const T0 = Date.parse('2026-11-22T03:00:00Z');
export const at = (minute: number): Date => new Date(T0 + minute * 60_000);

export interface AlertSpec {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** Minute the alert started (Prometheus' startsAt). */
  readonly starts: number;
}

/** The firing report of an alert, received at minute `received`. */
export function firing(spec: AlertSpec, received: number): Alert {
  const labels = normaliseLabels(spec.labels);
  const fingerprint = labelsFingerprint(labels);
  const startsAt = at(spec.starts);
  return {
    occurrenceId: alertOccurrenceId(fingerprint, startsAt, 'firing'),
    fingerprint,
    status: 'firing',
    labels,
    scope: alertScope(labels, DEFAULT_CORRELATION_SETTINGS.scopeLabels),
    annotations: normaliseLabels(spec.annotations ?? {}),
    startsAt,
    endsAt: null,
    generatorURL: null,
    receivedAt: at(received),
  };
}

/** The resolved report of the same alert: it ended at minute `ends`, received at `received`. */
export function resolved(spec: AlertSpec, ends: number, received: number): Alert {
  const alert = firing(spec, received);
  return {
    ...alert,
    status: 'resolved',
    occurrenceId: alertOccurrenceId(alert.fingerprint, alert.startsAt, 'resolved'),
    endsAt: at(ends),
  };
}

export function change(service: string, kind: string, summary: string, minute: number, received = minute): Change {
  return {
    id: changeId(service, kind, at(minute), summary),
    service,
    kind,
    summary,
    at: at(minute),
    labels: {},
    link: null,
    receivedAt: at(received),
  };
}

// The reference outage: the balancer's weights change, traffic skews onto some auth backends,
// which then fail and slow down.
export const lbImbalance: AlertSpec = {
  labels: { alertname: 'BackendLoadImbalance', service: 'auth-lb', severity: 'warning' },
  annotations: { value: '2.8' },
  starts: 0,
};
export const authErrors: AlertSpec = {
  labels: { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' },
  annotations: { value: '31%' },
  starts: 3,
};
export const authLatency: AlertSpec = {
  labels: { alertname: 'HighLatencyP99', service: 'auth', severity: 'warning' },
  annotations: { value: '2.4' },
  starts: 4,
};
