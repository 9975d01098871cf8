import type { Labels } from './labels.js';

/**
 * What an alert is about: the service (from the first scope label) and the values of the other
 * scope labels it carries (cluster, namespace), which narrow it. Computed once, when ingest
 * receives the alert, and carried on the alert record: the correlator reads it, never recomputes it.
 */
export interface Scope {
  /** The label the service was read from: the first scope label, else `alertname`. */
  readonly label: string;
  /** The service the alert is about; the alert record's `scope.value`. */
  readonly service: string;
  /** The other scope labels the alert carries: alerts that differ in one never share an incident. */
  readonly qualifiers: Readonly<Record<string, string>>;
}

/**
 * The alert's scope under the configured scope labels. The service falls back to the alertname,
 * so alerts without the label still group with their own kind rather than all into one bucket.
 */
export function alertScope(labels: Labels, scopeLabels: readonly string[]): Scope {
  const [serviceLabel = 'service', ...qualifierLabels] = scopeLabels;
  const qualifiers: Record<string, string> = {};
  for (const label of qualifierLabels) {
    const value = labels[label];
    if (value !== undefined) qualifiers[label] = value;
  }
  const service = labels[serviceLabel];
  if (service !== undefined) return { label: serviceLabel, service, qualifiers };
  const alertname = labels.alertname;
  if (alertname !== undefined) return { label: 'alertname', service: alertname, qualifiers };
  return { label: serviceLabel, service: 'unknown', qualifiers };
}

/** The scope as one string, e.g. `service=auth,cluster=eu-1`: an incident's `scope`. */
export function scopeKey(scope: Scope): string {
  return [`${scope.label}=${scope.service}`, ...Object.entries(scope.qualifiers).map(([k, v]) => `${k}=${v}`)].join(
    ',',
  );
}
