import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorrelationConfig, parseDeliveries, parseTruthFile } from '@sitrep/alert-ingest';
import { SHAPES } from './shapes.js';
import { generateStressStream } from './stress-stream.js';
import { STRESS_FILES, STRESS_FIXTURE_DIR } from './write-stress-stream.js';

const stream = generateStressStream();
const committed = (name: string) => readFileSync(join(STRESS_FIXTURE_DIR, name), 'utf8');

describe('the stress week (test/fixtures/stress)', () => {
  it('is what the generator makes, byte for byte (regenerate: npm run generate:stress -w @sitrep/simulator)', () => {
    expect(committed(STRESS_FILES.deliveries) === stream.deliveries).toBe(true);
    expect(committed(STRESS_FILES.truth)).toBe(stream.truth);
    expect(committed(STRESS_FILES.correlation)).toBe(stream.correlation);
    expect(generateStressStream().deliveries === stream.deliveries).toBe(true);
  });

  it('reads with the parsers Sitrep uses, and stays a reasonable size', () => {
    const deliveries = parseDeliveries(stream.deliveries);
    const truth = parseTruthFile(stream.truth, STRESS_FILES.truth);
    const settings = parseCorrelationConfig(stream.correlation, STRESS_FILES.correlation);
    expect(deliveries).toHaveLength(stream.stats.deliveries);
    expect(truth.length).toBeGreaterThanOrEqual(150);
    const services = new Set(
      deliveries.flatMap((d) => ('alertmanager' in d ? d.alertmanager.alerts.map((a) => a.labels.service) : [])),
    );
    expect(services.size).toBeGreaterThanOrEqual(20);
    expect(settings.dependencies.component('auth')).toBe(settings.dependencies.component('users-db'));
    expect(Buffer.byteLength(stream.deliveries)).toBeLessThan(4 * 1024 * 1024);
  });

  it('holds every shape, with the ambiguous one marked', () => {
    const truth = parseTruthFile(stream.truth, STRESS_FILES.truth);
    expect(new Set(truth.map((incident) => incident.shape))).toEqual(new Set(SHAPES));
    for (const incident of truth) expect(incident.unambiguous).toBe(incident.shape !== 'overlapping_related');
    expect(stream.stats.shapes).toMatchObject({ flapping: 18, lost_resolution: 14, same_minute: 26 });
  });

  it('is shaped as Alertmanager sends it: full group snapshots, replacements, lost resolutions, HA copies', () => {
    const notifications = parseDeliveries(stream.deliveries).flatMap((d) => ('alertmanager' in d ? [d] : []));
    for (const { alertmanager } of notifications) {
      expect(alertmanager.truncatedAlerts).toBe(0);
      expect(alertmanager.status).toBe(alertmanager.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved');
      for (const alert of alertmanager.alerts) {
        for (const [name, value] of Object.entries(alertmanager.groupLabels)) expect(alert.labels[name]).toBe(value);
      }
    }
    // A peer's copy: the same group and alerts from the other Alertmanager, 15-18 s later.
    const peers = notifications.filter((d) => d.alertmanager.externalURL.includes('alertmanager-1'));
    expect(peers.length).toBe(stream.stats.haDuplicates);
    const copy = peers[0];
    const original = notifications.find(
      (d) =>
        d.alertmanager.externalURL.includes('alertmanager-0') &&
        d.alertmanager.groupKey === copy?.alertmanager.groupKey &&
        JSON.stringify(d.alertmanager.alerts) === JSON.stringify(copy.alertmanager.alerts),
    );
    const lag = (copy?.receivedAt.getTime() ?? 0) - (original?.receivedAt.getTime() ?? 0);
    expect(lag).toBeGreaterThanOrEqual(15_000);
    expect(lag).toBeLessThanOrEqual(18_500);

    expect(stream.stats.replaced).toBeGreaterThanOrEqual(18);
    expect(stream.stats.lostNotifications).toBe(14);
    expect(stream.stats.retries).toBeGreaterThan(0);
  });

  it('sends, for a flapping alert re-fired inside one group interval, the new occurrence first as resolved', () => {
    const truth = parseTruthFile(stream.truth, STRESS_FILES.truth);
    const notifications = parseDeliveries(stream.deliveries).flatMap((d) => ('alertmanager' in d ? [d] : []));
    const firstReports = new Map<string, string>();
    for (const { alertmanager } of notifications) {
      for (const alert of alertmanager.alerts) {
        const key = `${alert.fingerprint ?? ''} ${alert.startsAt.toISOString()}`;
        if (!firstReports.has(key)) firstReports.set(key, alert.status);
      }
    }
    const flapping = truth.filter((incident) => incident.shape === 'flapping');
    const resolvedFirst = flapping.filter((incident) =>
      incident.alerts.some((a) => firstReports.get(`${a.fingerprint} ${a.startsAt.toISOString()}`) === 'resolved'),
    );
    expect(resolvedFirst.length).toBe(flapping.length);
  });
});
