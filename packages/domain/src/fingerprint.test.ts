import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from './fingerprint.js';
import { normaliseLabels } from './labels.js';

/**
 * Read from Alertmanager 0.25's API: each label set was POSTed to /api/v2/alerts of a real
 * `prometheus-alertmanager` (Debian 0.25.0) and its `fingerprint` read back from GET /api/v2/alerts.
 */
const ALERTMANAGER_VECTORS: readonly {
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
}[] = [
  { labels: { alertname: 'Watchdog' }, fingerprint: '003b0a0f7d3fa569' },
  {
    labels: { alertname: 'HighErrorRate', instance: 'auth-0:8080', job: 'auth', service: 'auth', severity: 'page' },
    fingerprint: 'e76d76b22322c3fc',
  },
  {
    labels: { alertname: 'DiskFull', mountpoint: '/données', team: 'équipe-ünïcødé ☃' },
    fingerprint: 'd091c315a6f7673f',
  },
  { labels: { alertname: 'Blank', note: ' ' }, fingerprint: '9d4f0a39e5939a40' },
  { labels: { alertname: 'ZeroValue', shard: '0' }, fingerprint: '6877cca44a1d077f' },
];

describe('labelsFingerprint', () => {
  it.each(ALERTMANAGER_VECTORS)('matches Alertmanager for $labels', ({ labels, fingerprint }) => {
    expect(labelsFingerprint(labels)).toBe(fingerprint);
  });

  it('does not depend on the order labels are given in', () => {
    const reversed = {
      severity: 'page',
      service: 'auth',
      job: 'auth',
      instance: 'auth-0:8080',
      alertname: 'HighErrorRate',
    };
    expect(labelsFingerprint(reversed)).toBe('e76d76b22322c3fc');
  });

  it('agrees with Alertmanager, which drops empty label values, once labels are normalised', () => {
    // Alertmanager 0.25 stored {alertname="EmptyTeam", team=""} as {alertname="EmptyTeam"} with this fingerprint.
    expect(labelsFingerprint(normaliseLabels({ alertname: 'EmptyTeam', team: '' }))).toBe('ed4afdcd58245bce');
    expect(labelsFingerprint({ alertname: 'EmptyTeam' })).toBe('ed4afdcd58245bce');
  });

  it('returns the FNV-1a offset basis for the empty label set', () => {
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
  });

  it('separates names from values, so moving a boundary changes the fingerprint', () => {
    expect(labelsFingerprint({ ab: 'c' })).not.toBe(labelsFingerprint({ a: 'bc' }));
  });

  it('is always 16 lower-case hex digits', () => {
    for (const { labels } of ALERTMANAGER_VECTORS) expect(labelsFingerprint(labels)).toMatch(/^[0-9a-f]{16}$/);
  });
});
