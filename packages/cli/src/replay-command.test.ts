import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replayCommand } from './replay-command.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

describe('sitrep replay', () => {
  it('prints one JSON object per incident with the documented fields', async () => {
    const lines = await replayCommand(
      fixture('lb-outage.ndjson'),
      { json: true, config: fixture('lb-outage.correlation.yml') },
      {},
    );
    expect(lines).toHaveLength(1);
    const incident = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(incident)).toEqual(
      expect.arrayContaining([
        'id',
        'scope',
        'services',
        'signals',
        'severity',
        'startedAt',
        'detectedAt',
        'resolvedAt',
        'alertCount',
        'changes',
        'probableCause',
        'alerts',
      ]),
    );
    expect(incident).toMatchObject({
      services: ['auth-lb', 'auth'],
      signals: ['load_imbalance', 'error_rate', 'latency'],
      startedAt: '2026-11-22T03:00:00.000Z',
      resolvedAt: '2026-11-22T03:32:00.000Z',
      alertCount: 3,
    });
    const causes = incident.probableCause as { signal: string; kind?: string; scope: string; reason: string }[];
    expect(causes[0]).toMatchObject({ signal: 'change', kind: 'config', scope: 'auth-lb' });
    expect(causes[1]).toMatchObject({ signal: 'load_imbalance', scope: 'auth-lb' });
  });

  it("lists each incident's alert occurrences with their start and end", async () => {
    const [line] = await replayCommand(
      fixture('lb-outage.ndjson'),
      { json: true, config: fixture('lb-outage.correlation.yml') },
      {},
    );
    expect((JSON.parse(line ?? '') as { alerts: unknown }).alerts).toEqual([
      {
        fingerprint: 'ca892b4ea03f6fe3',
        alertname: 'BackendLoadImbalance',
        service: 'auth-lb',
        startsAt: '2026-11-22T03:00:00.000Z',
        endsAt: '2026-11-22T03:32:00.000Z',
        endReason: 'resolved',
      },
      {
        fingerprint: '6dfb6dbbad0f52eb',
        alertname: 'HighErrorRate',
        service: 'auth',
        startsAt: '2026-11-22T03:03:00.000Z',
        endsAt: '2026-11-22T03:30:00.000Z',
        endReason: 'resolved',
      },
      {
        fingerprint: 'ae7021869e6d38a4',
        alertname: 'HighLatencyP99',
        service: 'auth',
        startsAt: '2026-11-22T03:04:00.000Z',
        endsAt: '2026-11-22T03:31:00.000Z',
        endReason: 'resolved',
      },
    ]);
  });

  it('without the dependency map, the balancer and auth are two incidents', async () => {
    const lines = await replayCommand(fixture('lb-outage.ndjson'), { json: true }, {});
    expect(lines.map((line) => (JSON.parse(line) as { services: string[] }).services)).toEqual([['auth-lb'], ['auth']]);
  });

  it('prints a readable summary by default', async () => {
    const lines = await replayCommand(
      fixture('lb-outage.ndjson'),
      { json: false, config: fixture('lb-outage.correlation.yml') },
      {},
    );
    expect(lines.join('\n')).toContain('probable cause:\n    1. config change');
    expect(lines.at(-1)).toBe('1 incident(s) from 7 deliveries (8 alert records, 1 changes)');
  });
});
