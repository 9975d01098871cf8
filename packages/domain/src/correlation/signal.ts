import type { Labels } from '../labels.js';

/** What an alert says about the system. Changes (deploys, config) are their own class, `change`. */
export type SignalClass = 'error_rate' | 'latency' | 'load_imbalance' | 'saturation' | 'availability' | 'other';

export const SIGNAL_CLASSES: readonly SignalClass[] = [
  'error_rate',
  'latency',
  'load_imbalance',
  'saturation',
  'availability',
  'other',
];

/** First matching rule wins. `alertname` is matched against the alert's name; `labels` must all match. */
export interface SignalRule {
  readonly signal: SignalClass;
  readonly alertname?: RegExp;
  readonly labels?: Readonly<Record<string, RegExp>>;
}

/**
 * Defaults for common alert names (kube-prometheus mixins, typical SLO rules). Imbalance comes
 * before the others because its names often also mention load or requests.
 */
export const DEFAULT_SIGNAL_RULES: readonly SignalRule[] = [
  { signal: 'load_imbalance', alertname: /imbalance|skew|uneven|unbalanced/i },
  { signal: 'error_rate', alertname: /error|5xx|fail(ed|ure|ing)?(rate|ratio)|errorbudget|burnrate/i },
  { signal: 'latency', alertname: /latency|slow|duration|p9[0-9]|responsetime/i },
  {
    signal: 'saturation',
    alertname:
      /saturat|cpu|memory|oom|throttl|queue|diskfull|diskpressure|pressure|exhaust|capacity|hpa.*max|filesystemalmostoutofspace|toomanyconnections/i,
  },
  {
    signal: 'availability',
    alertname:
      /down|unavailable|crashloop|notready|unreachable|absent|probefail|targetmissing|replicasmismatch|outage/i,
  },
];

function isSignalClass(value: string): value is SignalClass {
  return (SIGNAL_CLASSES as readonly string[]).includes(value);
}

/** The alert's signal class: an explicit `signal` label wins, then the rules, else `other`. */
export function classifySignal(labels: Labels, rules: readonly SignalRule[] = DEFAULT_SIGNAL_RULES): SignalClass {
  const explicit = labels.signal;
  if (explicit !== undefined && isSignalClass(explicit)) return explicit;
  const alertname = labels.alertname ?? '';
  for (const rule of rules) {
    if (rule.alertname && !rule.alertname.test(alertname)) continue;
    const labelRules = Object.entries(rule.labels ?? {});
    if (labelRules.every(([name, pattern]) => pattern.test(labels[name] ?? ''))) return rule.signal;
  }
  return 'other';
}

/** Signals that tend to cause an outage rather than describe its effect. */
export function isCauseLike(signal: SignalClass | 'change'): boolean {
  return signal === 'change' || signal === 'load_imbalance' || signal === 'saturation';
}

export function isSymptomLike(signal: SignalClass | 'change'): boolean {
  return signal === 'error_rate' || signal === 'latency' || signal === 'availability';
}

/** Human words for a signal, for reasons and timelines. */
export function describeSignal(signal: SignalClass | 'change'): string {
  return signal.replace('_', ' ');
}
