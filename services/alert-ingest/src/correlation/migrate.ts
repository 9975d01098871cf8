import { KafkaBus, partitionOfKey, type Bus, type TopicWrite } from '@sitrep/bus';
import { correlatorStateTombstone, incidentEventMessages, readAlert } from '@sitrep/codec';
import type { TopicNames } from '@sitrep/contracts';
import {
  Correlator,
  partKey,
  rekeyCorrelatorStates,
  type CorrelationSettings,
  type CorrelatorSnapshot,
  type CorrelatorStatePart,
  type IncidentEvent,
} from '@sitrep/domain';
import type { Logger } from '@sitrep/telemetry';
import { correlatorLayout, CorrelatorStateStore, type RestoredPartition } from './correlator-state-store.js';
import { inProduceRequests } from '../publish-size.js';
import { DEFAULT_INPUT_LIMITS } from '../input-limits.js';

export interface MigrateDeps {
  readonly bus: Bus;
  readonly topics: TopicNames;
  /** The settings the correlator will run with from now on (the new dependency map). */
  readonly settings: CorrelationSettings;
  readonly groupId: string;
  readonly logger: Logger;
}

export interface MigrateResult {
  readonly migrated: boolean;
  readonly fromPartitions: number;
  readonly toPartitions: number;
  /** Alerts the stopped correlator had not processed yet, applied before re-keying. */
  readonly caughtUp: number;
  readonly incidents: number;
  /** Incidents now on another partition than before. */
  readonly moved: number;
  readonly events: number;
}

/**
 * `sitrep migrate`: re-keys the correlator state after the alerts topic grew partitions or the
 * dependency map (or scope label) changed, with every correlator stopped. Each old partition's
 * state is restored and first catches up with the alerts it had not processed (their events are
 * published), then every incident moves to the partition of its new key, and the new parts,
 * tombstones for the old ones, and the new layout are committed in one transaction: a crash
 * leaves the old state whole, and running it again starts over.
 */
export async function migrateCorrelatorState(deps: MigrateDeps): Promise<MigrateResult> {
  const { bus, topics, settings, logger } = deps;
  const store = new CorrelatorStateStore(
    bus,
    { parts: topics.correlatorStateParts, snapshots: topics.correlatorState },
    settings,
    logger,
  );
  const toPartitions = await bus.partitionCount(topics.alerts);
  const statePartitions = await bus.partitionCount(topics.correlatorStateParts);
  const stored = await store.storedLayout();
  const layout = correlatorLayout(settings, toPartitions);
  const fromPartitions = stored?.alertsPartitions ?? statePartitions;
  const unchanged = { migrated: false, fromPartitions, toPartitions, caughtUp: 0, incidents: 0, moved: 0, events: 0 };
  if (stored?.keying === layout.keying && fromPartitions === toPartitions && statePartitions === toPartitions) {
    return unchanged;
  }
  if (bus instanceof KafkaBus) await bus.growPartitions(topics.correlatorStateParts, toPartitions);

  // Opening the writer fences any correlator still running on the old layout.
  const writer = await bus.transactionalWriter(`${deps.groupId}.migrate`);
  try {
    const before: RestoredPartition[] = [];
    const positions: bigint[] = [];
    const events: IncidentEvent[] = [];
    let caughtUp = 0;
    for (let partition = 0; partition < fromPartitions; partition += 1) {
      const restored = await store.restore(partition);
      let nextOffset = restored.nextOffset;
      for (const message of await bus.readPartition(topics.alerts, partition)) {
        const offset = BigInt(message.offset);
        if (offset < nextOffset) continue;
        const read = readAlert(message);
        // An unreadable record stays for the correlator, which dead-letters it.
        if (read.ok) events.push(...restored.correlator.applyAlert(read.value));
        nextOffset = offset + 1n;
        caughtUp += 1;
      }
      before.push(restored);
      positions.push(nextOffset);
    }
    const snapshots = before.map((restored) => restored.correlator.snapshot());
    const rekeyed = rekeyCorrelatorStates(snapshots, settings, toPartitions, partitionOfKey);
    const writes: TopicWrite[] = eventWrites(topics, events);
    for (let partition = 0; partition < toPartitions; partition += 1) {
      const parts = partitionWrites(
        store,
        settings,
        partition,
        rekeyed[partition],
        before[partition],
        positions[partition],
      );
      // The whole-snapshot tombstone goes once per partition, below, also for partitions never upgraded.
      writes.push(...parts.filter((write) => write.topic !== topics.correlatorState));
      writes.push({ topic: topics.correlatorState, messages: [correlatorStateTombstone(partition)] });
    }
    writes.push(store.layoutWrite(layout));
    await writer.commit(writes);
    const result: MigrateResult = {
      migrated: true,
      fromPartitions,
      toPartitions,
      caughtUp,
      incidents: rekeyed.reduce((total, snapshot) => total + snapshot.state.incidents.length, 0),
      moved: countMoved(snapshots, rekeyed),
      events: events.length,
    };
    logger.info('correlator state re-keyed', { ...result });
    return result;
  } finally {
    await writer.close();
  }
}

function eventWrites(topics: TopicNames, events: readonly IncidentEvent[]): TopicWrite[] {
  return inProduceRequests(incidentEventMessages(events, {}), DEFAULT_INPUT_LIMITS.messageBytes).map((messages) => ({
    topic: topics.incidents,
    messages,
  }));
}

/** Every part of the new state, and tombstones for the old parts of the partition it no longer has. */
function partitionWrites(
  store: CorrelatorStateStore,
  settings: CorrelationSettings,
  partition: number,
  snapshot: CorrelatorSnapshot | undefined,
  old: RestoredPartition | undefined,
  position: bigint | undefined,
): TopicWrite[] {
  const correlator = new Correlator(settings, snapshot, { trackChanges: true });
  const restored: RestoredPartition = { correlator, nextOffset: position ?? 0n, upgraded: true };
  const keep = new Set(correlator.allParts().map(partKey));
  const gone = (old?.correlator.allParts() ?? []).flatMap((part): CorrelatorStatePart[] =>
    part.kind === 'stream' || keep.has(partKey(part)) ? [] : [{ ...part, body: null }],
  );
  return store.writes(partition, restored, position ?? 0n, gone);
}

function countMoved(before: readonly CorrelatorSnapshot[], after: readonly CorrelatorSnapshot[]): number {
  const where = new Map<string, number>();
  before.forEach((snapshot, partition) => {
    for (const [id] of snapshot.state.incidents) where.set(id, partition);
  });
  let moved = 0;
  after.forEach((snapshot, partition) => {
    for (const [id] of snapshot.state.incidents) if (where.get(id) !== partition) moved += 1;
  });
  return moved;
}
