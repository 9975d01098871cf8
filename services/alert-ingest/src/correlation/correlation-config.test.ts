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
});
