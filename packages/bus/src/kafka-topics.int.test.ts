import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { startKafkaCluster, testKafkaBrokers, uniqueName, type KafkaCluster } from '@sitrep/testkit';
import type { TopicSpec } from './bus.js';
import { KafkaBus } from './kafka-bus.js';
import type { TopicDurability } from './kafka-topics.js';

const { Kafka, ConfigResourceTypes } = kafkajs;
const brokers = [testKafkaBrokers()];

let admin: Admin;
beforeAll(async () => {
  admin = new Kafka({ clientId: uniqueName('topics-admin'), brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
});
afterAll(() => admin.disconnect());

/** A topic made behind Sitrep's back, as an operator or an older version might have. */
async function createBySomeoneElse(topic: string, partitions: number, config: Record<string, string> = {}) {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

async function startBus(specs: TopicSpec[], durability?: TopicDurability) {
  const memory = createMemoryLogger('info');
  const bus = new KafkaBus({
    brokers,
    clientId: uniqueName('topics'),
    publishTimeoutMs: 15_000,
    logger: memory.logger,
    ...(durability ? { durability } : {}),
  });
  const started = bus.start(specs).then(
    () => undefined,
    (error: unknown) => error,
  );
  const error = await started;
  await bus.close();
  return { error, lines: memory.lines };
}

async function topicConfig(topic: string, name: string): Promise<string | undefined> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
  });
  return described.resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
}

const log = (name: string, partitions = 1): TopicSpec => ({ name, partitions, replicationFactor: -1 });
const table = (name: string): TopicSpec => ({ ...log(name), config: { 'cleanup.policy': 'compact' } });

describe('KafkaBus.start: topic durability', () => {
  it('creates missing topics with the replication and min.insync.replicas one broker allows, and starts again on them', async () => {
    const [events, state] = [uniqueName('durable-log'), uniqueName('durable-table')];
    const first = await startBus([log(events, 2), table(state)]);
    expect(first.error).toBeUndefined();
    expect(first.lines).toContainEqual(
      expect.objectContaining({ msg: 'created topics', replicationFactor: 1, minInsyncReplicas: 1, brokers: 1 }),
    );
    expect(await topicConfig(events, 'min.insync.replicas')).toBe('1');
    expect(await topicConfig(state, 'cleanup.policy')).toBe('compact');
    const again = await startBus([log(events, 2), table(state)]);
    expect(again.error).toBeUndefined();
  });

  it('refuses existing topics that are weaker than configured, naming each topic and setting', async () => {
    const [few, compacted, deleting, unclean] = [1, 2, 3, 4].map(() => uniqueName('weak'));
    await createBySomeoneElse(few!, 1);
    await createBySomeoneElse(compacted!, 1, { 'cleanup.policy': 'compact' });
    await createBySomeoneElse(deleting!, 1);
    await createBySomeoneElse(unclean!, 1, { 'unclean.leader.election.enable': 'true' });
    const { error } = await startBus([log(few!, 3), log(compacted!), table(deleting!), log(unclean!)]);
    expect(error).toMatchObject({ name: 'BusError', errorClass: 'protocol', retriable: false });
    const message = (error as Error).message;
    expect(message).toContain(`topic ${few} has 1 partition(s), fewer than the 3 configured`);
    expect(message).toContain(
      `topic ${compacted} has cleanup.policy=compact, Sitrep needs cleanup.policy=delete (compaction would drop all but the latest record of each key)`,
    );
    expect(message).toContain(
      `topic ${deleting} has cleanup.policy=delete, Sitrep needs cleanup.policy=compact (retention would delete the latest record of a key)`,
    );
    expect(message).toContain(`topic ${unclean} has unclean.leader.election.enable=true`);
    expect(message).toContain('set SITREP_KAFKA_ALLOW_WEAK_TOPICS=true to start anyway');
  });

  it('refuses fewer replicas and a lower min.insync.replicas than configured', async () => {
    const topic = uniqueName('few-replicas');
    await createBySomeoneElse(topic, 1);
    const { error } = await startBus([{ name: topic, partitions: 1, replicationFactor: 3 }], {
      minInsyncReplicas: 2,
      allowWeak: false,
    });
    expect(error).toMatchObject({ name: 'BusError', retriable: false });
    expect((error as Error).message).toContain(
      `topic ${topic} has replication factor 1, below the 3 configured (SITREP_TOPIC_REPLICATION_FACTOR)`,
    );
    expect((error as Error).message).toContain(
      `topic ${topic} has min.insync.replicas=1, below the 2 configured (SITREP_TOPIC_MIN_INSYNC_REPLICAS)`,
    );
  });

  it('starts on weak topics when allowed explicitly, warning about each', async () => {
    const topic = uniqueName('allowed-weak');
    await createBySomeoneElse(topic, 1, { 'cleanup.policy': 'compact' });
    const { error, lines } = await startBus([log(topic, 2)], { minInsyncReplicas: -1, allowWeak: true });
    expect(error).toBeUndefined();
    const warnings = lines.filter((line) => line.level === 'warn').map((line) => line.msg);
    expect(warnings).toContain(
      `topic ${topic} has 1 partition(s), fewer than the 2 configured; starting anyway (SITREP_KAFKA_ALLOW_WEAK_TOPICS=true)`,
    );
    expect(warnings.some((warning) => String(warning).includes(`topic ${topic} has cleanup.policy=compact`))).toBe(
      true,
    );
  });

  it('will not create a topic whose min.insync.replicas exceeds its replicas (every write refused)', async () => {
    const topic = uniqueName('unwritable');
    const { error } = await startBus([log(topic)], { minInsyncReplicas: 2, allowWeak: false });
    expect(error).toMatchObject({ name: 'BusError', retriable: false });
    expect((error as Error).message).toContain(
      `will not create ${topic}: min.insync.replicas=2 exceeds the replication factor 1 (a cluster of 1 broker(s))`,
    );
    expect(await admin.listTopics()).not.toContain(topic);
  });
});

describe('KafkaBus.start on three brokers', () => {
  let cluster: KafkaCluster | undefined;
  beforeAll(async () => {
    cluster = await startKafkaCluster();
  }, 180_000);
  afterAll(() => cluster?.close());

  const startOn = async (bootstrap: string, specs: TopicSpec[]) => {
    const memory = createMemoryLogger('info');
    const bus = new KafkaBus({
      brokers: bootstrap.split(','),
      clientId: uniqueName('three'),
      publishTimeoutMs: 15_000,
      logger: memory.logger,
    });
    try {
      await bus.start(specs);
    } finally {
      await bus.close();
    }
    return memory.lines;
  };

  it('creates topics with replication 3 and min.insync.replicas 2 by default, and starts with a broker down', async () => {
    if (!cluster) throw new Error('no cluster');
    const [events, state] = [uniqueName('three-log'), uniqueName('three-table')];
    const lines = await startOn(cluster.bootstrap, [log(events, 3), table(state)]);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'created topics', replicationFactor: 3, minInsyncReplicas: 2, brokers: 3 }),
    );
    for (const partition of await cluster.describe(events)) expect(partition.replicas).toHaveLength(3);
    const clusterAdmin = new Kafka({
      clientId: uniqueName('three-admin'),
      brokers: cluster.bootstrap.split(','),
      logLevel: kafkajs.logLevel.NOTHING,
    }).admin();
    await clusterAdmin.connect();
    try {
      const described = await clusterAdmin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: state, configNames: ['min.insync.replicas'] }],
      });
      expect(described.resources[0]?.configEntries[0]?.configValue).toBe('2');
    } finally {
      await clusterAdmin.disconnect();
    }
    // A restart while a broker is away: the cluster looks smaller, the topics are as durable as ever.
    const [first, ...others] = cluster.nodes;
    await first?.stop();
    try {
      const restarted = await startOn(others.map((node) => node.bootstrap).join(','), [log(events, 3), table(state)]);
      expect(restarted.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await first?.start();
    }
  });
});
