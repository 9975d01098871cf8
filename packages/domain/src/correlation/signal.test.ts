import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseLabels } from '../labels.js';
import { classifySignal, DEFAULT_SIGNAL_RULES, keywordMatcher, type SignalClass } from './signal.js';

describe('classifySignal', () => {
  it.each([
    ['HighErrorRate', 'error_rate'],
    ['AuthHTTP5xxRatio', 'error_rate'],
    ['APIHighLatency', 'latency'],
    ['HighLatencyP99', 'latency'],
    ['BackendLoadImbalance', 'load_imbalance'],
    ['TrafficSkewAcrossBackends', 'load_imbalance'],
    ['NodeHighCPU', 'saturation'],
    ['KubeHpaMaxedOut', 'saturation'],
    ['KubePodCrashLooping', 'availability'],
    ['TargetDown', 'availability'],
    ['Watchdog', 'other'],
  ])('%s is %s', (alertname, signal) => {
    expect(classifySignal(normaliseLabels({ alertname }))).toBe(signal);
  });

  it('lets an explicit signal label win, and ignores one it does not know', () => {
    expect(classifySignal(normaliseLabels({ alertname: 'HighErrorRate', signal: 'latency' }))).toBe('latency');
    expect(classifySignal(normaliseLabels({ alertname: 'HighErrorRate', signal: 'vibes' }))).toBe('error_rate');
  });

  it('applies custom rules in order, including label matchers', () => {
    const rules = [{ signal: 'saturation' as const, labels: { team: /^db$/ } }];
    expect(classifySignal(normaliseLabels({ alertname: 'Whatever', team: 'db' }), rules)).toBe('saturation');
    expect(classifySignal(normaliseLabels({ alertname: 'Whatever', team: 'web' }), rules)).toBe('other');
  });
});

/** The default rules as they were written before: the oracle the keyword rules must agree with. */
const REGEX_RULES: readonly (readonly [SignalClass, RegExp])[] = [
  ['load_imbalance', /imbalance|skew|uneven|unbalanced/i],
  ['error_rate', /error|5xx|fail(ed|ure|ing)?(rate|ratio)|errorbudget|burnrate/i],
  ['latency', /latency|slow|duration|p9[0-9]|responsetime/i],
  [
    'saturation',
    /saturat|cpu|memory|oom|throttl|queue|diskfull|diskpressure|pressure|exhaust|capacity|hpa.*max|filesystemalmostoutofspace|toomanyconnections/i,
  ],
  [
    'availability',
    /down|unavailable|crashloop|notready|unreachable|absent|probefail|targetmissing|replicasmismatch|outage/i,
  ],
];

const byRegex = (alertname: string): SignalClass =>
  REGEX_RULES.find(([, pattern]) => pattern.test(alertname))?.[0] ?? 'other';

/** Fragments of the rules' keywords, so random names hit and nearly hit them. */
const nameFragments = fc.constantFrom(
  'hpa',
  'HPA',
  'max',
  'Max',
  'fail',
  'ed',
  'ure',
  'ing',
  'rate',
  'Ratio',
  'p9',
  '9',
  'Error',
  'down',
  'Skew',
  'cpu',
  '\n',
  '\u2028',
  'K',
  '\u212a',
  'İ',
  'ſ',
  'x',
);
const alertnames = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(nameFragments, { maxLength: 8 }).map((parts) => parts.join('')),
);

describe('default signal rules', () => {
  it('classify every name as the regular expressions they replace did', () => {
    fc.assert(
      fc.property(alertnames, (alertname) => {
        expect(classifySignal({ alertname })).toBe(byRegex(alertname));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['KubeHpaMaxedOut', 'saturation'],
    ['HPA\nMaxed', 'other'],
    ['FailingRatio', 'error_rate'],
    ['FailRatioHigh', 'error_rate'],
    ['ApiP95High', 'latency'],
    ['DIS\u212aFULL', 'other'],
  ])('%j is %s', (alertname, signal) => {
    expect(classifySignal({ alertname })).toBe(signal);
    expect(byRegex(alertname)).toBe(signal);
  });
});

describe('classification time', () => {
  const MIB = 1024 * 1024;
  const elapsedMs = (run: () => void): number => {
    const start = performance.now();
    run();
    return performance.now() - start;
  };

  // The old `hpa.*max` took about 12 s on a 300 KB name of repeated `hpa` and minutes on 1 MiB.
  it.each([
    ['repeated hpa', 'hpa'.repeat(MIB / 3)],
    ['repeated fail', 'fail'.repeat(MIB / 4)],
    ['one letter', 'a'.repeat(MIB)],
    ['hpa lines', 'hpa\n'.repeat(MIB / 4)],
  ])('stays linear on a 1 MiB alertname and label values (%s)', (_, text) => {
    const labels = { alertname: text, team: text, service: text };
    const rules = [
      ...DEFAULT_SIGNAL_RULES,
      { signal: 'saturation' as const, labels: { team: keywordMatcher(['db']) } },
    ];
    expect(elapsedMs(() => classifySignal(labels, rules))).toBeLessThan(1000);
  });

  it('is bounded for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer({ min: 1, max: 20_000 }), (unit, times) => {
        const alertname = unit.repeat(times);
        // Up to 400,000 characters: the old quadratic rule took seconds per 100 KB; a linear one
        // takes milliseconds. Generous, so a garbage-collection pause on a busy machine passes.
        expect(elapsedMs(() => classifySignal({ alertname }))).toBeLessThan(2000);
      }),
      { numRuns: 200 },
    );
  });
});
