import { describe, expect, it } from 'vitest';
import { normaliseLabels } from './labels.js';

describe('normaliseLabels', () => {
  it('sorts label names', () => {
    const labels = normaliseLabels({ severity: 'page', alertname: 'HighErrorRate', service: 'auth' });
    expect(Object.keys(labels)).toEqual(['alertname', 'service', 'severity']);
    expect(labels).toEqual({ alertname: 'HighErrorRate', service: 'auth', severity: 'page' });
  });

  it('drops empty values, as Prometheus treats them as absent', () => {
    const labels = normaliseLabels({ alertname: 'A', team: '', zone: 'eu-1' });
    expect(labels).toEqual({ alertname: 'A', zone: 'eu-1' });
    expect(Object.hasOwn(labels, 'team')).toBe(false);
  });

  it('keeps whitespace-only values, which are not empty', () => {
    expect(normaliseLabels({ note: ' ' })).toEqual({ note: ' ' });
  });

  it('makes {team=""} and {} the same label set', () => {
    expect(normaliseLabels({ team: '' })).toEqual(normaliseLabels({}));
    expect(Object.keys(normaliseLabels({ team: '' }))).toEqual([]);
  });

  it('returns a frozen object', () => {
    const labels = normaliseLabels({ alertname: 'A' });
    expect(Object.isFrozen(labels)).toBe(true);
    expect(() => {
      (labels as Record<string, string>).alertname = 'B';
    }).toThrow(TypeError);
    expect(labels.alertname).toBe('A');
  });

  it('does not modify its input', () => {
    const input = { b: '2', a: '1', c: '' };
    normaliseLabels(input);
    expect(Object.keys(input)).toEqual(['b', 'a', 'c']);
    expect(Object.isFrozen(input)).toBe(false);
  });
});
