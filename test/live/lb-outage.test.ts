import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, runOutageScenario } from '@sitrep/simulator';
import { testKafkaBrokers } from '@sitrep/testkit';

// The outage from the postmortems, reproduced with the real monitoring stack: the simulator's
// balancer is misconfigured, Prometheus (the shipped rules, time compressed) alerts,
// Alertmanager notifies alert-ingest, and the recorder (a separate process, joined to ingest
// only through Kafka) records the incident. Nothing is simulated past the service itself.
describe('live: load-balancer outage through Prometheus, Alertmanager, Kafka and Sitrep', () => {
  it(
    'records one incident for auth, from impact start through detection to resolution',
    { timeout: 420_000 },
    async () => {
      const log = process.env.SITREP_LIVE_LOG ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
      const result = await runOutageScenario({ kafkaBrokers: testKafkaBrokers(), ...(log ? { log } : {}) });
      const { incident, timeline, postmortem } = result;

      expect(result.incidents.filter((listed) => listed.services.includes('auth'))).toHaveLength(1);
      expect(incident.services.sort()).toEqual(['auth', 'auth-lb']);
      expect(incident.signals).toEqual(expect.arrayContaining(['load_imbalance', 'error_rate', 'latency']));
      expect(incident.severity).toBe('critical');
      expect(incident.changes.map((change) => change.summary)).toEqual(['backend weights 1:1:1 -> 6:1:1']);
      const top = incident.probableCause[0];
      expect(['change', 'load_imbalance']).toContain(top?.signal);
      expect(top?.service).toBe('auth-lb');
      expect(incident.probableCause.some((hint) => hint.signal === 'load_imbalance')).toBe(true);

      const at = (kind: string) => Date.parse(timeline.find((entry) => entry.kind === kind)?.at ?? 'missing');
      expect(at('impact_started')).toBeLessThanOrEqual(at('detected'));
      expect(at('detected')).toBeLessThan(at('incident_resolved'));
      const times = timeline.map((entry) => Date.parse(entry.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      // Bounds from the configured intervals. Prometheus reports an alert's startsAt as the moment
      // it fired, after `for:`; the condition needs up to a rate window of bad samples to cross the
      // threshold; Alertmanager then waits group_wait (1 s) before notifying.
      const { forSeconds, scrapeSeconds, rateWindowSeconds } = DEFAULT_TIMING;
      const started = Date.parse(incident.moments.startedAt ?? '');
      const misconfigured = result.misconfiguredAt.getTime();
      expect(started).toBeGreaterThanOrEqual(misconfigured + (forSeconds - scrapeSeconds) * 1000);
      expect(started).toBeLessThanOrEqual(misconfigured + (forSeconds + rateWindowSeconds + 5 * scrapeSeconds) * 1000);
      expect(incident.durations.timeToDetect).toBeGreaterThanOrEqual(0);
      expect(incident.durations.timeToDetect).toBeLessThanOrEqual(1 + 5 * scrapeSeconds);
      const outage = (result.restoredAt.getTime() - started) / 1000;
      expect(incident.durations.timeToResolve).toBeGreaterThanOrEqual(outage - 1);
      expect(incident.durations.timeToResolve).toBeLessThanOrEqual(outage + rateWindowSeconds + 30);

      expect(postmortem).toContain('## Issue Summary');
      expect(postmortem).toContain('## Timeline');
      expect(postmortem).toContain('backend weights 1:1:1 -> 6:1:1');
      expect(postmortem).toContain('ServiceErrorRateHigh');
      expect(postmortem).toContain('BackendLoadImbalance');
    },
  );
});
