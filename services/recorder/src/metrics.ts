import { DEAD_LETTER_REASONS } from '@sitrep/codec';
import type { IncidentStore } from '@sitrep/store';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Applied } from './incident-writer.js';

export interface RecorderMetrics {
  readonly records: Counter<'topic' | 'outcome'>;
  readonly deadLetters: Counter<'reason'>;
  readonly applyDuration: Histogram;
  readonly timeToDetect: Histogram<'service' | 'severity'>;
  readonly timeToAcknowledge: Histogram<'service' | 'severity'>;
  readonly timeToMitigate: Histogram<'service' | 'severity'>;
  readonly timeToResolve: Histogram<'service' | 'severity'>;
}

// From seconds (a page caught at once) to a day (a slow burn): what MTTx dashboards bucket.
const DURATION_BUCKETS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];

export function createRecorderMetrics(registry: Registry, store: Pick<IncidentStore, 'openIncidentCounts'>) {
  const registers = [registry];
  const phase = (name: string, what: string) =>
    new Histogram({
      name: `sitrep_incident_time_to_${name}_seconds`,
      help: `Time to ${what}, observed once per incident when the moment is recorded.`,
      labelNames: ['service', 'severity'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  const metrics: RecorderMetrics = {
    records: new Counter({
      name: 'sitrep_recorder_records_total',
      help: 'Records read by the recorder, by topic and outcome (applied, duplicate, waiting, dead_lettered).',
      labelNames: ['topic', 'outcome'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'sitrep_recorder_dead_letters_total',
      help: 'Records the recorder sent to the dead-letter topic, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    applyDuration: new Histogram({
      name: 'sitrep_recorder_batch_duration_seconds',
      help: 'Time to store one batch of incident events and entries.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    timeToDetect: phase('detect', 'detect: first alert received minus impact start'),
    timeToAcknowledge: phase('acknowledge', 'acknowledge: acknowledged minus detected'),
    timeToMitigate: phase('mitigate', 'mitigate: mitigated minus impact start'),
    timeToResolve: phase('resolve', 'resolve: resolved minus impact start'),
  };
  new Gauge({
    name: 'sitrep_incidents_open',
    help: 'Incidents open now, by the service they opened on and severity (from the store: every instance reports the same).',
    labelNames: ['service', 'severity'],
    registers,
    async collect() {
      this.reset();
      for (const { service, severity, count } of await store.openIncidentCounts()) {
        this.set({ service, severity }, count);
      }
    },
  });
  for (const reason of DEAD_LETTER_REASONS) metrics.deadLetters.inc({ reason }, 0);
  return metrics;
}

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/**
 * Observes each moment the write made happen (null before, set after), so each incident counts
 * once per phase however often it is re-delivered; a reopened and re-resolved incident counts
 * its new resolution too. A recorder re-reading the topics into an empty store observes history again.
 */
export function observeMoments(metrics: RecorderMetrics, { before, after }: Applied): void {
  if (after === null) return;
  const labels = { service: after.services[0] ?? '', severity: after.severity };
  if (before === null) metrics.timeToDetect.observe(labels, seconds(after.startedAt, after.detectedAt));
  if (before?.acknowledgedAt == null && after.acknowledgedAt !== null) {
    metrics.timeToAcknowledge.observe(labels, seconds(after.detectedAt, after.acknowledgedAt));
  }
  if (before?.mitigatedAt == null && after.mitigatedAt !== null) {
    metrics.timeToMitigate.observe(labels, seconds(after.startedAt, after.mitigatedAt));
  }
  if (before?.resolvedAt == null && after.resolvedAt !== null) {
    metrics.timeToResolve.observe(labels, seconds(after.startedAt, after.resolvedAt));
  }
}
