import { afterEach, describe, expect, it } from 'vitest';
import { KafkaBus } from '@sitrep/bus';
import { createMemoryLogger } from '@sitrep/telemetry';
import { testKafkaBrokers, uniqueName, waitFor, webhookBody } from '@sitrep/testkit';
import { correlatorTopics } from '../service.js';
import { migrateCorrelatorState } from './migrate.js';
import {
  collectIncidentEvents,
  correlatorConfig,
  minutesAgo,
  ofType,
  post,
  startIngest,
  testKafkaBus,
} from '../ingest-harness.fixture.js';

const { logger } = createMemoryLogger('error');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const kafkaBus = (): KafkaBus => testKafkaBus('migrate-it', logger, cleanups);

const webhook = (service: string, startsAt: string, endsAt?: string) =>
  webhookBody([
    {
      labels: { alertname: 'HighErrorRate', service, severity: 'critical' },
      startsAt,
      ...(endsAt === undefined ? {} : { status: 'resolved' as const, endsAt }),
    },
  ]);

describe('sitrep migrate on a real Kafka broker', () => {
  it('re-keys open incidents after the alerts topic grew, so their resolutions reach them on their new partitions', async () => {
    const prefix = `${uniqueName('migrate')}.`;
    const group = uniqueName('correlator');
    const config = correlatorConfig({
      KAFKA_BROKERS: testKafkaBrokers(),
      SITREP_TOPIC_PREFIX: prefix,
      SITREP_TOPIC_PARTITIONS: '2',
      SITREP_CORRELATOR_GROUP: group,
    });
    const topics = correlatorTopics(config);
    const services = Array.from({ length: 8 }, (_, index) => `svc-${index}`);
    const startsAt = minutesAgo(5);

    const firstBus = kafkaBus();
    const first = await startIngest(config, firstBus);
    for (const service of services) await post(first, '/api/v1/alertmanager', webhook(service, startsAt));
    const reader = kafkaBus();
    await reader.start([]);
    const { events, subscription } = await collectIncidentEvents(reader, topics.incidents);
    cleanups.push(() => subscription.close());
    await waitFor(() => ofType(events, 'incident.opened').length === services.length, {
      timeoutMs: 60_000,
      description: 'an incident per service',
    });
    await first.close();
    await firstBus.close();

    // The operator grows the alerts topic: most services' alerts now land on another partition.
    const admin = kafkaBus();
    await admin.start([]);
    await admin.growPartitions(topics.alerts, 5);
    // SITREP_TOPIC_PARTITIONS stays: it is what topics are created with, and they may have more.
    const grown = config;
    const refusedBus = kafkaBus();
    await expect(startIngest(grown, refusedBus)).rejects.toThrow(/sitrep migrate/);

    const result = await migrateCorrelatorState({
      bus: admin,
      topics,
      settings: config.correlation,
      groupId: group,
      logger,
    });
    expect(result).toMatchObject({ migrated: true, fromPartitions: 2, toPartitions: 5, incidents: services.length });
    expect(result.moved).toBeGreaterThan(0);
    expect(
      await migrateCorrelatorState({ bus: admin, topics, settings: config.correlation, groupId: group, logger }),
    ).toMatchObject({ migrated: false });

    const secondBus = kafkaBus();
    const second = await startIngest(grown, secondBus);
    cleanups.push(() => second.close());
    for (const service of services)
      await post(second, '/api/v1/alertmanager', webhook(service, startsAt, minutesAgo(1)));
    await waitFor(() => ofType(events, 'incident.resolving').length === services.length, {
      timeoutMs: 60_000,
      description: 'every incident resolving',
    });
    const opened = new Set(ofType(events, 'incident.opened').map((event) => event.incidentId));
    expect(opened.size).toBe(services.length);
    expect(new Set(ofType(events, 'incident.resolving').map((event) => event.incidentId))).toEqual(opened);
  });
});
