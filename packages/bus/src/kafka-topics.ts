import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { Logger } from '@sitrep/telemetry';
import type { TopicSpec } from './bus.js';
import { BusError } from './bus-error.js';

const { ConfigResourceTypes } = kafkajs;

/** How durable Sitrep's topics must be; -1 lets the cluster's size decide. */
export interface TopicDurability {
  /** `min.insync.replicas` of the topics Sitrep creates and expects; -1: 2 from 3 replicas on, else 1. */
  readonly minInsyncReplicas: number;
  /** Start even when existing topics are weaker than asked, with a warning per mismatch. */
  readonly allowWeak: boolean;
}

export const DEFAULT_DURABILITY: TopicDurability = Object.freeze({ minInsyncReplicas: -1, allowWeak: false });

/** A topic as Sitrep wants it, every choice made. */
export interface DesiredTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly cleanupPolicy: string;
  readonly config: Readonly<Record<string, string>>;
}

/** A topic as the cluster has it. */
export interface ActualTopic {
  readonly name: string;
  readonly partitions: number;
  /** The fewest replicas of any partition. */
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly cleanupPolicy: string;
  readonly uncleanLeaderElection: boolean;
}

/** Three replicas, two of which must have every acknowledged write, once the cluster can hold them. */
export function desiredTopic(spec: TopicSpec, brokers: number, durability: TopicDurability): DesiredTopic {
  const replicationFactor = spec.replicationFactor > 0 ? spec.replicationFactor : Math.max(1, Math.min(3, brokers));
  const explicit = spec.config?.['min.insync.replicas'];
  const minInsyncReplicas =
    explicit !== undefined
      ? Number(explicit)
      : durability.minInsyncReplicas > 0
        ? durability.minInsyncReplicas
        : replicationFactor >= 3
          ? 2
          : 1;
  const cleanupPolicy = normalisePolicy(spec.config?.['cleanup.policy'] ?? 'delete');
  return {
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor,
    minInsyncReplicas,
    cleanupPolicy,
    config: { ...spec.config, 'min.insync.replicas': String(minInsyncReplicas) },
  };
}

const normalisePolicy = (policy: string): string =>
  policy
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .sort()
    .join(',');

/**
 * What makes an existing topic less than Sitrep was configured to rely on: each one would lose
 * acknowledged records silently (fewer replicas, a lower min.insync.replicas, unclean leader
 * election, retention deleting a compacted table or compaction dropping a log's records) or
 * route keys elsewhere than the configuration says (fewer partitions).
 */
export function durabilityProblems(desired: DesiredTopic, actual: ActualTopic): string[] {
  const problems: string[] = [];
  const topic = `topic ${desired.name}`;
  if (actual.partitions < desired.partitions) {
    problems.push(`${topic} has ${actual.partitions} partition(s), fewer than the ${desired.partitions} configured`);
  }
  if (actual.replicationFactor < desired.replicationFactor) {
    problems.push(
      `${topic} has replication factor ${actual.replicationFactor}, below the ${desired.replicationFactor} configured (SITREP_TOPIC_REPLICATION_FACTOR)`,
    );
  }
  if (actual.minInsyncReplicas < desired.minInsyncReplicas) {
    problems.push(
      `${topic} has min.insync.replicas=${actual.minInsyncReplicas}, below the ${desired.minInsyncReplicas} configured (SITREP_TOPIC_MIN_INSYNC_REPLICAS)`,
    );
  } else if (actual.minInsyncReplicas > actual.replicationFactor) {
    problems.push(
      `${topic} has min.insync.replicas=${actual.minInsyncReplicas}, more than its ${actual.replicationFactor} replica(s): every write would be refused`,
    );
  }
  if (actual.cleanupPolicy !== desired.cleanupPolicy) {
    const why = desired.cleanupPolicy.includes('compact')
      ? 'retention would delete the latest record of a key'
      : 'compaction would drop all but the latest record of each key';
    problems.push(
      `${topic} has cleanup.policy=${actual.cleanupPolicy}, Sitrep needs cleanup.policy=${desired.cleanupPolicy} (${why})`,
    );
  }
  if (actual.uncleanLeaderElection) {
    problems.push(
      `${topic} has unclean.leader.election.enable=true: a lagging replica may become leader and drop records`,
    );
  }
  return problems;
}

async function describeTopics(admin: Admin, names: readonly string[]): Promise<Map<string, ActualTopic>> {
  const [metadata, configs] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [...names] }),
    admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['min.insync.replicas', 'cleanup.policy', 'unclean.leader.election.enable'],
      })),
    }),
  ]);
  const byTopic = new Map(
    configs.resources.map((resource) => [
      resource.resourceName,
      new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    ]),
  );
  const actual = new Map<string, ActualTopic>();
  for (const topic of metadata.topics) {
    const config = byTopic.get(topic.name) ?? new Map<string, string>();
    actual.set(topic.name, {
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: Math.min(...topic.partitions.map((partition) => partition.replicas.length)),
      minInsyncReplicas: Number(config.get('min.insync.replicas') ?? '1'),
      cleanupPolicy: normalisePolicy(config.get('cleanup.policy') ?? 'delete'),
      uncleanLeaderElection: config.get('unclean.leader.election.enable') === 'true',
    });
  }
  return actual;
}

/**
 * Creates the missing topics as durable as configured and checks the existing ones, refusing
 * (a non-retriable BusError naming each topic and setting) to run on topics weaker than that,
 * unless `allowWeak` says so explicitly.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  durability: TopicDurability,
  logger: Logger,
): Promise<void> {
  if (specs.length === 0) return;
  const brokers = (await admin.describeCluster()).brokers.length;
  const desired = specs.map((spec) => desiredTopic(spec, brokers, durability));
  const impossible = desired.filter((topic) => topic.minInsyncReplicas > topic.replicationFactor);
  const existing = new Set(await admin.listTopics());
  const missing = desired.filter((topic) => !existing.has(topic.name));
  const unwritable = impossible.filter((topic) => missing.includes(topic));
  if (unwritable.length > 0) {
    const names = unwritable.map((topic) => topic.name).join(', ');
    const [first] = unwritable;
    throw new BusError(
      `will not create ${names}: min.insync.replicas=${first?.minInsyncReplicas} exceeds the replication factor ${first?.replicationFactor} (a cluster of ${brokers} broker(s)), so every write would be refused: lower SITREP_TOPIC_MIN_INSYNC_REPLICAS or add brokers`,
      'protocol',
      false,
    );
  }
  for (const topic of desired) {
    if (brokers >= 3 && (topic.replicationFactor < 3 || topic.minInsyncReplicas < 2)) {
      logger.warn('topic configured below 3 replicas with 2 in sync: losing one broker can lose acknowledged records', {
        topic: topic.name,
        replicationFactor: topic.replicationFactor,
        minInsyncReplicas: topic.minInsyncReplicas,
        brokers,
      });
    }
  }
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
      })),
    });
    logger.info('created topics', {
      topics: missing.map((topic) => topic.name),
      replicationFactor: missing[0]?.replicationFactor,
      minInsyncReplicas: missing[0]?.minInsyncReplicas,
      brokers,
    });
  }
  // Created ones too: another instance may have created one first, differently.
  const actual = await describeTopics(
    admin,
    desired.map((topic) => topic.name),
  );
  const problems = desired.flatMap((topic) => {
    const found = actual.get(topic.name);
    return found ? durabilityProblems(topic, found) : [`topic ${topic.name} is missing after creation`];
  });
  for (const topic of desired) {
    const found = actual.get(topic.name);
    if (found && found.partitions > topic.partitions) {
      logger.warn('topic has more partitions than configured; its own count is used', {
        topic: topic.name,
        partitions: found.partitions,
        configured: topic.partitions,
      });
    }
  }
  if (problems.length === 0) return;
  if (durability.allowWeak) {
    for (const problem of problems) {
      logger.warn(`${problem}; starting anyway (SITREP_KAFKA_ALLOW_WEAK_TOPICS=true)`);
    }
    return;
  }
  throw new BusError(
    `existing topics are less durable than configured: ${problems.join('; ')}. Fix the topics (kafka-topics.sh / kafka-configs.sh --alter), or set SITREP_KAFKA_ALLOW_WEAK_TOPICS=true to start anyway`,
    'protocol',
    false,
  );
}
