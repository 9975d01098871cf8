import { afterEach, describe, expect, it } from 'vitest';
import { KafkaBus } from '@sitrep/bus';
import { systemClock } from '@sitrep/domain';
import { createLogger, createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  lbOutageDeliveries,
  recentLbOutage,
  testKafkaBrokers,
  uniqueName,
  waitFor,
  webhookBody,
} from '@sitrep/testkit';
import { correlatorTopics } from '../service.js';
import { startCorrelator } from './correlator-service.js';
import {
  collectIncidentEvents,
  correlatorConfig,
  minutesAgo,
  ofType,
  post,
  startIngest,
  testKafkaBus,
} from '../ingest-harness.fixture.js';

const logger = process.env.DEBUG_CORRELATOR
  ? createLogger({ level: 'debug', write: (line) => process.stderr.write(line + '\n') })
  : createMemoryLogger('error').logger;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const kafkaBus = (): KafkaBus => testKafkaBus('correlator-it', logger, cleanups);

function kafkaConfig(prefix: string, group: string, extra: Record<string, string> = {}) {
  return correlatorConfig({
    KAFKA_BROKERS: testKafkaBrokers(),
    SITREP_TOPIC_PREFIX: prefix,
    SITREP_TOPIC_PARTITIONS: '6',
    SITREP_CORRELATOR_GROUP: group,
    ...extra,
  });
}

const alert = (alertname: string, service: string, starts: string) => ({
  labels: { alertname, service, severity: 'critical' },
  startsAt: starts,
});

describe('correlator on a real Kafka broker', () => {
  it('turns webhooks into incident events, and after a restart the next alert joins the same incident', async () => {
    const prefix = `${uniqueName('corr')}.`;
    const group = uniqueName('correlator');
    const config = kafkaConfig(prefix, group);
    const topics = correlatorTopics(config);

    // The reference outage's first two alerts, the service restarted between them.
    const [, imbalanceFiring, errorsFiring] = lbOutageDeliveries(recentLbOutage());
    const firstBus = kafkaBus();
    const first = await startIngest(config, firstBus);
    await post(first, imbalanceFiring!.path, imbalanceFiring!.body);
    const reader = kafkaBus();
    await reader.start([]);
    const { events, subscription } = await collectIncidentEvents(reader, topics.incidents);
    cleanups.push(() => subscription.close());
    await waitFor(() => ofType(events, 'incident.alert_attached').length === 1, {
      description: 'the first alert attached',
    });

    // Stop the whole service mid-incident, then start a fresh one: state comes from the state topic.
    await first.close();
    await firstBus.close();
    const secondBus = kafkaBus();
    const second = await startIngest(config, secondBus);
    cleanups.push(() => second.close());
    await post(second, errorsFiring!.path, errorsFiring!.body);

    await waitFor(() => ofType(events, 'incident.alert_attached').length === 2, {
      description: 'the second alert attached',
    });
    expect(ofType(events, 'incident.opened')).toHaveLength(1);
    expect(new Set(events.map((event) => event.incidentId)).size).toBe(1);
    expect(ofType(events, 'incident.alert_attached').map((event) => event.data.alert.signal)).toEqual([
      'load_imbalance',
      'error_rate',
    ]);
  });

  it('splits partitions between two instances without duplicate incidents', async () => {
    const prefix = `${uniqueName('split')}.`;
    const group = uniqueName('correlator');
    const config = kafkaConfig(prefix, group, { SITREP_CORRELATOR: 'disabled' });
    const topics = correlatorTopics(config);
    const ingestBus = kafkaBus();
    const ingest = await startIngest(config, ingestBus);
    cleanups.push(() => ingest.close());

    const instances = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const bus = kafkaBus();
        await bus.start([]);
        const correlator = await startCorrelator({
          bus,
          topics,
          settings: config.correlation,
          clock: systemClock,
          logger,
          registry: createMetricsRegistry({ service: `correlator-${name}`, processMetrics: false }),
          groupId: group,
          instanceId: name,
        });
        cleanups.push(() => correlator.close());
        return correlator;
      }),
    );

    const services = Array.from({ length: 12 }, (_, index) => `svc-${index}`);
    for (const service of services) {
      await post(
        ingest,
        '/api/v1/alertmanager',
        webhookBody([alert('HighErrorRate', service, minutesAgo(5)), alert('HighLatencyP99', service, minutesAgo(4))]),
      );
    }
    const reader = kafkaBus();
    await reader.start([]);
    const { events, subscription } = await collectIncidentEvents(reader, topics.incidents);
    cleanups.push(() => subscription.close());
    await waitFor(() => ofType(events, 'incident.alert_attached').length === 24, {
      timeoutMs: 60_000,
      description: '24 attached alerts',
    });
    const opened = ofType(events, 'incident.opened');
    expect(opened.map((event) => event.data.service).sort()).toEqual([...services].sort());
    // Both instances did work: the partitions were split, not all taken by one.
    expect(instances.every((instance) => instance.openIncidents() > 0)).toBe(true);
  });
});
