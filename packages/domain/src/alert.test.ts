import { describe, expect, it } from 'vitest';
import { alertOccurrenceId } from './alert.js';
import { changeId } from './change.js';
import { alertScope, scopeKey } from './scope.js';

const FINGERPRINT = 'e76d76b22322c3fc';
const STARTS_AT = new Date('2026-11-22T06:00:00.123Z');

describe('alertOccurrenceId', () => {
  it('is 32 lower-case hex digits', () => {
    expect(alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is stable: the same inputs give the same id', () => {
    const first = alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing');
    const second = alertOccurrenceId(FINGERPRINT, new Date(STARTS_AT.getTime()), 'firing');
    expect(second).toBe(first);
  });

  it('differs when the fingerprint differs', () => {
    expect(alertOccurrenceId('003b0a0f7d3fa569', STARTS_AT, 'firing')).not.toBe(
      alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing'),
    );
  });

  it('differs when startsAt differs (a new occurrence of the same alert)', () => {
    const later = new Date(STARTS_AT.getTime() + 1);
    expect(alertOccurrenceId(FINGERPRINT, later, 'firing')).not.toBe(
      alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing'),
    );
  });

  it('differs between the firing and the resolved report', () => {
    expect(alertOccurrenceId(FINGERPRINT, STARTS_AT, 'resolved')).not.toBe(
      alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing'),
    );
  });

  it('collapses sub-millisecond differences in startsAt', () => {
    // Alertmanager sends nanoseconds; Dates keep milliseconds, so these are one occurrence.
    const a = new Date('2026-11-22T06:00:00.123456789Z');
    const b = new Date('2026-11-22T06:00:00.123999999Z');
    expect(a.getTime()).toBe(b.getTime());
    expect(alertOccurrenceId(FINGERPRINT, a, 'firing')).toBe(alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing'));
    expect(alertOccurrenceId(FINGERPRINT, b, 'firing')).toBe(alertOccurrenceId(FINGERPRINT, STARTS_AT, 'firing'));
  });
});

describe('changeId', () => {
  const AT = new Date('2026-11-22T05:55:00Z');
  const base = changeId('auth', 'deploy', AT, 'auth v1.4.2');

  it('is stable and 32 lower-case hex digits', () => {
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(changeId('auth', 'deploy', new Date('2026-11-22T05:55:00.000Z'), 'auth v1.4.2')).toBe(base);
  });

  it('changes with each input', () => {
    const variants = [
      changeId('billing', 'deploy', AT, 'auth v1.4.2'),
      changeId('auth', 'config', AT, 'auth v1.4.2'),
      changeId('auth', 'deploy', new Date(AT.getTime() + 1000), 'auth v1.4.2'),
      changeId('auth', 'deploy', AT, 'auth v1.4.3'),
    ];
    for (const variant of variants) expect(variant).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('does not let fields run into each other', () => {
    expect(changeId('ab', 'c', AT, 'x')).not.toBe(changeId('a', 'bc', AT, 'x'));
  });
});

describe('alertScope', () => {
  const labels = ['service', 'cluster', 'namespace'];

  it('uses the first scope label when present', () => {
    expect(alertScope({ alertname: 'HighErrorRate', service: 'auth' }, labels)).toEqual({
      label: 'service',
      service: 'auth',
      qualifiers: {},
    });
  });

  it('honours a configured scope label other than service', () => {
    expect(alertScope({ alertname: 'HighErrorRate', service: 'auth', team: 'identity' }, ['team'])).toEqual({
      label: 'team',
      service: 'identity',
      qualifiers: {},
    });
  });

  it('keeps the other scope labels the alert carries as qualifiers, in configured order', () => {
    const scope = alertScope({ alertname: 'X', service: 'auth', namespace: 'prod', cluster: 'eu-1' }, labels);
    expect(scope.qualifiers).toEqual({ cluster: 'eu-1', namespace: 'prod' });
    expect(scopeKey(scope)).toBe('service=auth,cluster=eu-1,namespace=prod');
  });

  it('falls back to alertname when the scope label is missing', () => {
    expect(alertScope({ alertname: 'DiskFull', instance: 'db-1' }, labels)).toEqual({
      label: 'alertname',
      service: 'DiskFull',
      qualifiers: {},
    });
  });

  it("falls back to 'unknown' when neither label is present", () => {
    expect(alertScope({ instance: 'db-1' }, labels)).toEqual({ label: 'service', service: 'unknown', qualifiers: {} });
  });
});
