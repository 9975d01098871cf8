import type { Labels } from './labels.js';

/** What an alert is about, for partitioning and (later) correlation: e.g. `service=auth`. */
export interface Scope {
  readonly label: string;
  readonly value: string;
}

/**
 * The alert's value for the configured scope label, falling back to its alertname so alerts
 * without the label still group with their own kind rather than all into one bucket.
 */
export function alertScope(labels: Labels, scopeLabel: string): Scope {
  const value = labels[scopeLabel];
  if (value !== undefined) return { label: scopeLabel, value };
  const alertname = labels.alertname;
  if (alertname !== undefined) return { label: 'alertname', value: alertname };
  return { label: scopeLabel, value: 'unknown' };
}
