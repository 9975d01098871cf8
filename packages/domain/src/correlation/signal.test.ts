import { describe, expect, it } from 'vitest';
import { normaliseLabels } from '../labels.js';
import { classifySignal } from './signal.js';

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
