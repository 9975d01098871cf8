import { describe, expect, it } from 'vitest';
import { DEFAULT_CORRELATION_SETTINGS, classifySignal, normaliseLabels } from '@sitrep/domain';
import { CorrelationConfigError, parseCorrelationConfig } from './correlation-config.js';

function keysAtFault(text: string): string[] {
  try {
    parseCorrelationConfig(text, 'correlation.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(CorrelationConfigError);
    return (error as CorrelationConfigError).issues.map((issue) => issue.key);
  }
  throw new Error('expected a CorrelationConfigError');
}

describe('parseCorrelationConfig', () => {
  it('gives the defaults for an empty file', () => {
    const settings = parseCorrelationConfig('', 'empty.yml');
    expect(settings.quietPeriodMs).toBe(DEFAULT_CORRELATION_SETTINGS.quietPeriodMs);
    expect(settings.scopeLabels).toEqual(['service', 'cluster', 'namespace']);
  });

  it('reads dependencies, windows, severity and custom signal rules', () => {
    const settings = parseCorrelationConfig(
      `
scope_labels: [service, cluster]
dependencies:
  - auth-lb -> auth
  - "auth -> users-db"
signals:
  rules:
    - signal: load_imbalance
      alertname: "(?i)^haproxy_backend_weight"
    - signal: saturation
      labels: { team: "^db$" }
severity:
  critical: [page]
  default: info
windows:
  group: 15m
  quiet_period: 90s
  reopen: 1h
  max_incident_age: 1d
  change_lookback: 45m
  out_of_order_skew: 2m
`,
      'correlation.yml',
    );
    expect(settings.dependencies.related('auth-lb', 'users-db')).toBe(true);
    expect(settings.quietPeriodMs).toBe(90_000);
    expect(settings.maxIncidentAgeMs).toBe(86_400_000);
    expect(settings.changeLookbackMs).toBe(45 * 60_000);
    expect(settings.severity.critical).toEqual(['page']);
    expect(settings.severity.fallback).toBe('info');
    expect(classifySignal(normaliseLabels({ alertname: 'HAProxy_Backend_Weight' }), settings.signalRules)).toBe(
      'load_imbalance',
    );
    expect(classifySignal(normaliseLabels({ alertname: 'X', team: 'db' }), settings.signalRules)).toBe('saturation');
    // Built-in rules still apply after the custom ones.
    expect(classifySignal(normaliseLabels({ alertname: 'HighErrorRate' }), settings.signalRules)).toBe('error_rate');
  });

  it("reads alert_for: each alertname's for:, for when Prometheus cannot say", () => {
    const settings = parseCorrelationConfig('alert_for:\n  HighErrorRate: 5m\n  "Disk Full": 90s\n', 'c.yml');
    expect(settings.alertForMs).toEqual(
      new Map([
        ['HighErrorRate', 5 * 60_000],
        ['Disk Full', 90_000],
      ]),
    );
    expect(parseCorrelationConfig('', 'empty.yml').alertForMs.size).toBe(0);
    expect(keysAtFault('alert_for:\n  HighErrorRate: soon\n')).toEqual(['alert_for.HighErrorRate']);
    expect(keysAtFault('alert_for: [HighErrorRate]\n')).toEqual(['alert_for']);
  });

  it('names the key at fault', () => {
    expect(keysAtFault('windows:\n  quiet_period: soon\n')).toEqual(['windows.quiet_period']);
    expect(keysAtFault('windows:\n  quiet_perod: 5m\n')).toEqual(['windows.quiet_perod']);
    expect(keysAtFault('dependencies: ["auth-lb => auth"]\n')).toEqual(['dependencies[0]']);
    expect(keysAtFault('signals:\n  rules:\n    - signal: vibes\n')).toEqual(['signals.rules[0].signal']);
    expect(keysAtFault('signals:\n  rules:\n    - signal: latency\n      alertname: "("\n')).toEqual([
      'signals.rules[0].alertname',
    ]);
    expect(keysAtFault('surprise: 1\n')).toEqual(['surprise']);
    expect(keysAtFault('windows: [\n')).toEqual(['(file)']);
  });

  it('refuses patterns RE2 cannot match in linear time, naming the key', () => {
    const rules = (pattern: string) =>
      `signals:\n  rules:\n    - signal: latency\n      alertname: x\n    - signal: latency\n      labels: { team: ${JSON.stringify(pattern)} }\n`;
    expect(keysAtFault(rules('^(?=db)'))).toEqual(['signals.rules[1].labels.team']);
    expect(keysAtFault(rules('(a)\\1'))).toEqual(['signals.rules[1].labels.team']);
    expect(keysAtFault(rules('(?<!x)db'))).toEqual(['signals.rules[1].labels.team']);
  });

  it('matches user rules in time linear in the alert, with RE2 syntax and inline flags', () => {
    const settings = parseCorrelationConfig(
      `
signals:
  use_defaults: false
  rules:
    - signal: saturation
      alertname: '(?i)hpa.*max'
    - signal: latency
      alertname: '^(a|aa)*c$'
    - signal: error_rate
      labels: { team: '(x+x+)+y' }
    - signal: availability
      alertname: 'prefix_(?i:Down)$'
`,
      'correlation.yml',
    );
    const classify = (labels: Record<string, string>) => classifySignal(normaliseLabels(labels), settings.signalRules);
    expect(classify({ alertname: 'KubeHPAMaxedOut' })).toBe('saturation');
    expect(classify({ alertname: 'aaac' })).toBe('latency');
    expect(classify({ alertname: 'prefix_DOWN' })).toBe('availability');
    expect(classify({ alertname: 'PREFIX_down' })).toBe('other');
    const mib = 1024 * 1024;
    for (const text of ['hpa'.repeat(mib / 3), 'a'.repeat(mib), 'x'.repeat(mib)]) {
      const start = performance.now();
      expect(classify({ alertname: text, team: text })).toBe('other');
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });
});
