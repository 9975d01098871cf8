import { createHash } from 'node:crypto';
import type { Bus, TopicWrite } from '@sitrep/bus';
import {
  correlatorLayoutMessage,
  correlatorSnapshotOf,
  correlatorStatePartMessages,
  correlatorStateTombstone,
  readCorrelatorState,
  readCorrelatorStateParts,
} from '@sitrep/codec';
import type { CorrelatorLayoutPart } from '@sitrep/contracts';
import { Correlator, snapshotFromParts, type CorrelationSettings, type CorrelatorStatePart } from '@sitrep/domain';
import type { Logger } from '@sitrep/telemetry';
import { inProduceRequests } from '../publish-size.js';

/** Largest record the state topics accept (their max.message.bytes): an incident's header with many changes. */
export const MAX_STATE_BYTES = 16 * 1024 * 1024;
/** Parts go out in requests of at most this size, so a full save of a big state is never one refused batch. */
const STATE_REQUEST_BYTES = 1024 * 1024;

/** Restored correlators save their state in parts: they keep track of what changes. */
const TRACKED = { trackChanges: true } as const;

/** A partition's correlator, restored, and the offset of the next alerts record it has not seen. */
export interface RestoredPartition {
  readonly correlator: Correlator;
  readonly nextOffset: bigint;
  /** Restored from a whole snapshot of the v1 topic: the next save stores every part. */
  readonly upgraded: boolean;
}

export interface StateTopics {
  /** The parts topic (v2), partitioned like alerts. */
  readonly parts: string;
  /** The snapshot topic of earlier releases (v1), read only to upgrade. */
  readonly snapshots: string;
}

/** What alerts are keyed and partitioned by: state written under another layout is on the wrong partitions. */
export type CorrelatorLayout = Omit<CorrelatorLayoutPart, 'kind'>;

/** The dependency map and scope label decide each alert's key: a digest of them names the keying. */
export function correlatorLayout(settings: CorrelationSettings, alertsPartitions: number): CorrelatorLayout {
  const keying = createHash('sha256')
    .update(JSON.stringify({ scope: settings.scopeLabels[0], components: settings.dependencies.components() }))
    .digest('hex')
    .slice(0, 16);
  return { alertsPartitions, keying };
}

/**
 * The correlator's state on the compacted parts topic: each alerts partition's parts on the same
 * partition number, so restoring a partition reads that partition only, and its cost follows what
 * is open (compaction keeps the latest part per key, and forgotten parts are tombstoned), not the
 * history. A save writes only what changed since the last one, in the caller's transaction.
 */
export class CorrelatorStateStore {
  constructor(
    private readonly bus: Pick<Bus, 'readPartition'>,
    private readonly topics: StateTopics,
    private readonly settings: CorrelationSettings,
    private readonly logger: Logger,
  ) {}

  async restore(partition: number): Promise<RestoredPartition> {
    const stored = readCorrelatorStateParts(await this.bus.readPartition(this.topics.parts, partition), partition);
    if (stored.unreadable > 0) {
      // Another format (a future version, or garbage): left alone rather than misread.
      this.logger.warn('unreadable correlator state parts ignored', { partition, records: stored.unreadable });
    }
    if (stored.nextOffset !== null) {
      return {
        correlator: new Correlator(this.settings, snapshotFromParts(stored.parts), TRACKED),
        nextOffset: stored.nextOffset,
        upgraded: false,
      };
    }
    return this.restoreSnapshot(partition);
  }

  /** A state saved by a release that stored whole snapshots, if any: it becomes parts at the next save. */
  private async restoreSnapshot(partition: number): Promise<RestoredPartition> {
    let latest: RestoredPartition | undefined;
    for (const message of await this.bus.readPartition(this.topics.snapshots, 0)) {
      if (message.key !== `alerts-partition-${partition}`) continue;
      if (message.tombstone) {
        latest = undefined;
        continue;
      }
      const read = readCorrelatorState(message);
      if (!read.ok) continue;
      latest = {
        correlator: new Correlator(this.settings, correlatorSnapshotOf(read.value), TRACKED),
        nextOffset: BigInt(read.value.nextOffset),
        upgraded: true,
      };
    }
    if (latest) this.logger.info('correlator state upgraded from a whole snapshot', { partition });
    return latest ?? { correlator: new Correlator(this.settings, undefined, TRACKED), nextOffset: 0n, upgraded: false };
  }

  /** The writes that store what changed in the partition's state since the last save (all of it after an upgrade). */
  writes(
    partition: number,
    restored: RestoredPartition,
    nextOffset: bigint,
    removed: readonly CorrelatorStatePart[] = [],
  ): TopicWrite[] {
    const { correlator, upgraded } = restored;
    const parts = [...(upgraded ? correlator.allParts() : correlator.changedParts()), ...removed];
    const messages = correlatorStatePartMessages(partition, parts, nextOffset);
    const writes = inProduceRequests(messages, STATE_REQUEST_BYTES).map((chunk) => ({
      topic: this.topics.parts,
      messages: chunk,
    }));
    if (upgraded) writes.push({ topic: this.topics.snapshots, messages: [correlatorStateTombstone(partition)] });
    return writes;
  }

  /** The layout the state was written under, if it says (on partition 0). */
  async storedLayout(): Promise<CorrelatorLayout | null> {
    const { layout } = readCorrelatorStateParts(await this.bus.readPartition(this.topics.parts, 0), 0);
    return layout === null ? null : { alertsPartitions: layout.alertsPartitions, keying: layout.keying };
  }

  layoutWrite(layout: CorrelatorLayout): TopicWrite {
    return { topic: this.topics.parts, messages: [correlatorLayoutMessage(layout)] };
  }
}
