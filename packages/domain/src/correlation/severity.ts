import type { Labels } from '../labels.js';

export type Severity = 'critical' | 'warning' | 'info';

const RANK: Readonly<Record<Severity, number>> = { critical: 3, warning: 2, info: 1 };

/** Which `severity` label values mean which level; unknown values get `fallback`. */
export interface SeverityMapping {
  readonly critical: readonly string[];
  readonly warning: readonly string[];
  readonly info: readonly string[];
  readonly fallback: Severity;
}

export const DEFAULT_SEVERITY_MAPPING: SeverityMapping = {
  critical: ['critical', 'page', 'p1', 'sev1', 'high', 'emergency', 'error'],
  warning: ['warning', 'warn', 'p2', 'sev2', 'medium', 'ticket'],
  info: ['info', 'none', 'p3', 'p4', 'sev3', 'low'],
  fallback: 'warning',
};

export function severityOf(labels: Labels, mapping: SeverityMapping = DEFAULT_SEVERITY_MAPPING): Severity {
  const value = labels.severity?.toLowerCase();
  if (value === undefined) return mapping.fallback;
  for (const level of ['critical', 'warning', 'info'] as const) {
    if (mapping[level].includes(value)) return level;
  }
  return mapping.fallback;
}

export function higherSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}
