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

/**
 * Says whether a text matches. Alert names and label values are untrusted and may be a megabyte
 * long, so a matcher must run in time linear in the text: the built-in rules use keyword checks,
 * and rules from the correlation file are compiled by a linear-time engine (RE2), never by
 * JavaScript's backtracking RegExp.
 */
export interface TextMatcher {
  test(text: string): boolean;
}

/** First matching rule wins. `alertname` is matched against the alert's name; `labels` must all match. */
export interface SignalRule {
  readonly signal: SignalClass;
  readonly alertname?: TextMatcher;
  readonly labels?: Readonly<Record<string, TextMatcher>>;
}

/** ASCII letters only, as a case-insensitive RegExp without the `u` flag folds them. */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** What RegExp's `.` does not cross: `a.*b` means a, then b later on the same line. */
const LINE_TERMINATORS = /[\n\r\u2028\u2029]/;

/**
 * Matches, ignoring ASCII case, a text containing any of `words`, or any of the `ordered` pairs
 * (the first word, then the second later on the same line, as `first.*second` would). Each check
 * is a substring search, so the time is linear in the text whatever it holds.
 */
export function keywordMatcher(words: readonly string[], ordered: readonly (readonly [string, string])[] = []) {
  const lowerWords = words.map(asciiLowerCase);
  const lowerOrdered = ordered.map(([first, second]) => [asciiLowerCase(first), asciiLowerCase(second)] as const);
  const hasOrdered = (line: string): boolean =>
    lowerOrdered.some(([first, second]) => {
      const at = line.indexOf(first);
      return at >= 0 && line.indexOf(second, at + first.length) >= 0;
    });
  return {
    test(text: string): boolean {
      const lower = asciiLowerCase(text);
      if (lowerWords.some((word) => lower.includes(word))) return true;
      return lowerOrdered.length > 0 && lower.split(LINE_TERMINATORS).some(hasOrdered);
    },
  } satisfies TextMatcher;
}

/**
 * Defaults for common alert names (kube-prometheus mixins, typical SLO rules). Imbalance comes
 * before the others because its names often also mention load or requests. Each is the keyword
 * list a case-insensitive alternation of literals would be (`fail(ed|ure|ing)?(rate|ratio)`
 * spelt out), matched without a regular expression.
 */
export const DEFAULT_SIGNAL_RULES: readonly SignalRule[] = [
  { signal: 'load_imbalance', alertname: keywordMatcher(['imbalance', 'skew', 'uneven', 'unbalanced']) },
  {
    signal: 'error_rate',
    alertname: keywordMatcher([
      'error',
      '5xx',
      ...['fail', 'failed', 'failure', 'failing'].flatMap((stem) => [`${stem}rate`, `${stem}ratio`]),
      'errorbudget',
      'burnrate',
    ]),
  },
  {
    signal: 'latency',
    alertname: keywordMatcher([
      'latency',
      'slow',
      'duration',
      ...Array.from({ length: 10 }, (_, digit) => `p9${digit}`),
      'responsetime',
    ]),
  },
  {
    signal: 'saturation',
    alertname: keywordMatcher(
      [
        'saturat',
        'cpu',
        'memory',
        'oom',
        'throttl',
        'queue',
        'diskfull',
        'diskpressure',
        'pressure',
        'exhaust',
        'capacity',
        'filesystemalmostoutofspace',
        'toomanyconnections',
      ],
      [['hpa', 'max']],
    ),
  },
  {
    signal: 'availability',
    alertname: keywordMatcher([
      'down',
      'unavailable',
      'crashloop',
      'notready',
      'unreachable',
      'absent',
      'probefail',
      'targetmissing',
      'replicasmismatch',
      'outage',
    ]),
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
  // Own labels only: a rule on `constructor` must not see Object.prototype's.
  const valueOf = (name: string): string => (Object.hasOwn(labels, name) ? (labels[name] ?? '') : '');
  for (const rule of rules) {
    if (rule.alertname && !rule.alertname.test(alertname)) continue;
    const labelRules = Object.entries(rule.labels ?? {});
    if (labelRules.every(([name, pattern]) => pattern.test(valueOf(name)))) return rule.signal;
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
