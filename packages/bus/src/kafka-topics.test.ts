import { describe, expect, it } from 'vitest';
import { DEFAULT_DURABILITY, desiredTopic, durabilityProblems, type ActualTopic } from './kafka-topics.js';

const log = { name: 'sitrep.alerts.v1', partitions: 6, replicationFactor: -1 };
const table = {
  name: 'sitrep.state.v1',
  partitions: 6,
  replicationFactor: -1,
  config: { 'cleanup.policy': 'compact' },
};

describe('desiredTopic: durability chosen from the cluster size', () => {
  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('on %i broker(s): replication %i, min.insync.replicas %i', (brokers, replicationFactor, minInsyncReplicas) => {
    expect(desiredTopic(log, brokers, DEFAULT_DURABILITY)).toMatchObject({ replicationFactor, minInsyncReplicas });
  });

  it('keeps explicit choices: the spec replication, the configured min.insync.replicas, a topic config above both', () => {
    const durability = { minInsyncReplicas: 3, allowWeak: false };
    expect(desiredTopic({ ...log, replicationFactor: 5 }, 5, durability)).toMatchObject({
      replicationFactor: 5,
      minInsyncReplicas: 3,
    });
    expect(desiredTopic({ ...log, replicationFactor: 4 }, 5, DEFAULT_DURABILITY).minInsyncReplicas).toBe(2);
    const own = desiredTopic(
      { ...table, config: { 'cleanup.policy': 'compact', 'min.insync.replicas': '1' } },
      3,
      durability,
    );
    expect(own).toMatchObject({ minInsyncReplicas: 1, cleanupPolicy: 'compact' });
    expect(own.config).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
  });

  it('creates topics with their min.insync.replicas and keeps their other configs', () => {
    const spec = { ...table, config: { 'cleanup.policy': 'compact', 'max.message.bytes': '2097152' } };
    expect(desiredTopic(spec, 3, DEFAULT_DURABILITY).config).toEqual({
      'cleanup.policy': 'compact',
      'max.message.bytes': '2097152',
      'min.insync.replicas': '2',
    });
  });
});

describe('durabilityProblems', () => {
  const desired = desiredTopic(log, 3, DEFAULT_DURABILITY);
  const sound: ActualTopic = {
    name: log.name,
    partitions: 6,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    cleanupPolicy: 'delete',
    uncleanLeaderElection: false,
  };

  it('finds none in a topic as configured, or stronger', () => {
    expect(durabilityProblems(desired, sound)).toEqual([]);
    expect(
      durabilityProblems(desired, { ...sound, partitions: 12, replicationFactor: 5, minInsyncReplicas: 3 }),
    ).toEqual([]);
  });

  it('names a min.insync.replicas above the replica count: every write would be refused', () => {
    expect(durabilityProblems(desiredTopic(log, 1, DEFAULT_DURABILITY), { ...sound, replicationFactor: 1 })).toEqual([
      'topic sitrep.alerts.v1 has min.insync.replicas=2, more than its 1 replica(s): every write would be refused',
    ]);
  });

  it('compares cleanup policies as sets: "delete,compact" is "compact,delete", and neither is "compact"', () => {
    const compacted = desiredTopic(table, 3, DEFAULT_DURABILITY);
    const actual = { ...sound, name: table.name, cleanupPolicy: 'compact,delete' };
    expect(durabilityProblems(compacted, actual)).toEqual([
      'topic sitrep.state.v1 has cleanup.policy=compact,delete, Sitrep needs cleanup.policy=compact (retention would delete the latest record of a key)',
    ]);
    expect(
      durabilityProblems(
        desiredTopic({ ...table, config: { 'cleanup.policy': 'delete,compact' } }, 3, DEFAULT_DURABILITY),
        actual,
      ),
    ).toEqual([]);
  });
});
