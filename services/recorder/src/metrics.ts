import { DEAD_LETTER_REASONS } from '@sitrep/codec';
import { systemClock, type Clock } from '@sitrep/domain';
import type { IncidentStore } from '@sitrep/store';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Applied } from './incident-writer.js';
import { boundedServiceLabel, DEFAULT_MAX_SERVICE_LABELS, topServiceCounts } from './service-labels.js';

export const PHASES = ['detect', 'acknowledge', 'mitigate', 'resolve'] as const;
export type Phase = (typeof PHASES)[number];

type PhaseLabel = 'service' | 'severity';

export interface RecorderMetrics {
  readonly records: Counter<'topic' | 'outcome'>;
  readonly deadLetters: Counter<'reason'>;
  readonly applyDuration: Histogram;
  /** Per phase, the histogram and, for one release, its deprecated alias: `observeMoments` feeds each. */
  readonly timeTo: Readonly<Record<Phase, readonly Histogram<PhaseLabel>[]>>;
  /** The `service` label for an incident's service: bounded, so incident names cannot blow up /metrics. */
  readonly serviceLabel: (service: string) => string;
}

export interface RecorderMetricsOptions {
  /** Services named in labels; the rest are `other` (SITREP_METRICS_MAX_SERVICES). */
  readonly maxServices?: number;
}

const phaseMetric = (phase: Phase): string => `sitrep_recorder_incident_time_to_${phase}_seconds`;
const oldPhaseMetric = (phase: Phase): string => `sitrep_incident_time_to_${phase}_seconds`;
const OPEN_INCIDENTS = 'sitrep_recorder_open_incidents';
const OLD_OPEN_INCIDENTS = 'sitrep_incidents_open';

/**
 * Old name -> new name. The recorder's incident metrics were renamed to
 * `sitrep_<subsystem>_<name>_<unit>`; the old names stay registered and observed for one release
 * so dashboards and alerts on them keep working while users move. Removed in the next release.
 */
export const DEPRECATED_METRIC_ALIASES: ReadonlyMap<string, string> = new Map([
  ...PHASES.map((phase) => [oldPhaseMetric(phase), phaseMetric(phase)] as const),
  [OLD_OPEN_INCIDENTS, OPEN_INCIDENTS],
]);

const deprecatedHelp = (name: string, help: string): string =>
  `Deprecated alias of ${name}, removed in the next release. ${help}`;

// From seconds (a page caught at once) to a day (a slow burn): what MTTx dashboards bucket.
const DURATION_BUCKETS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];

const PHASE_HELP: Readonly<Record<Phase, string>> = {
  detect: 'detect: first alert received minus impact start',
  acknowledge: 'acknowledge: acknowledged minus detected',
  mitigate: 'mitigate: mitigated minus impact start',
  resolve: 'resolve: resolved minus impact start',
};

/**
 * One store query however many gauges read it in a scrape: the open-incident gauge and its
 * deprecated alias collect concurrently, and the alias must not double the store's load.
 */
function sharedWhileInFlight<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= read().finally(() => (pending = null));
    return pending;
  };
}

export function createRecorderMetrics(
  registry: Registry,
  store: Pick<IncidentStore, 'openIncidentCounts' | 'waitingEvents'>,
  clock: Clock = systemClock,
  options: RecorderMetricsOptions = {},
): RecorderMetrics {
  const maxServices = options.maxServices ?? DEFAULT_MAX_SERVICE_LABELS;
  const registers = [registry];
  const histogram = (name: string, help: string) =>
    new Histogram<PhaseLabel>({
      name,
      help,
      labelNames: ['service', 'severity'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  const timeTo = (phase: Phase): Histogram<PhaseLabel>[] => {
    const name = phaseMetric(phase);
    const help = `Time to ${PHASE_HELP[phase]}, observed once per incident when the moment is recorded.`;
    return [histogram(name, help), histogram(oldPhaseMetric(phase), deprecatedHelp(name, help))];
  };
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
    timeTo: {
      detect: timeTo('detect'),
      acknowledge: timeTo('acknowledge'),
      mitigate: timeTo('mitigate'),
      resolve: timeTo('resolve'),
    },
    serviceLabel: boundedServiceLabel(maxServices),
  };
  const openCounts = sharedWhileInFlight(() => store.openIncidentCounts());
  const openGauge = (name: string, help: string) =>
    new Gauge({
      name,
      help,
      labelNames: ['service', 'severity'],
      registers,
      async collect() {
        const counts = topServiceCounts(await openCounts(), maxServices);
        this.reset();
        for (const { service, severity, count } of counts) this.set({ service, severity }, count);
      },
    });
  const openHelp =
    'Incidents open now, by the service they opened on and severity (from the store: every instance reports the same).';
  openGauge(OPEN_INCIDENTS, openHelp);
  openGauge(OLD_OPEN_INCIDENTS, deprecatedHelp(OPEN_INCIDENTS, openHelp));
  // Events waiting for one that never comes are invisible in the incident list: say so here.
  const waiting = sharedWhileInFlight(() => store.waitingEvents());
  new Gauge({
    name: 'sitrep_recorder_waiting_events',
    help: 'Incident events stored but not applied: an event before them, or the incident opening, has not arrived.',
    registers,
    async collect() {
      this.set((await waiting()).count);
    },
  });
  new Gauge({
    name: 'sitrep_recorder_oldest_waiting_event_age_seconds',
    help: 'How long the oldest waiting incident event has waited (from its stream time); 0 when none waits.',
    registers,
    async collect() {
      const { oldestOccurredAt } = await waiting();
      this.set(oldestOccurredAt === null ? 0 : seconds(oldestOccurredAt, clock.now()));
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
  const labels = { service: metrics.serviceLabel(after.services[0] ?? ''), severity: after.severity };
  const observe = (phase: Phase, from: Date, to: Date) => {
    for (const histogram of metrics.timeTo[phase]) histogram.observe(labels, seconds(from, to));
  };
  if (before === null) observe('detect', after.startedAt, after.detectedAt);
  if (before?.acknowledgedAt == null && after.acknowledgedAt !== null) {
    observe('acknowledge', after.detectedAt, after.acknowledgedAt);
  }
  if (before?.mitigatedAt == null && after.mitigatedAt !== null)
    observe('mitigate', after.startedAt, after.mitigatedAt);
  if (before?.resolvedAt == null && after.resolvedAt !== null) observe('resolve', after.startedAt, after.resolvedAt);
}
