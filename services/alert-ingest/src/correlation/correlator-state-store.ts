import type { Bus } from '@sitrep/bus';
import {
  correlatorSnapshotOf,
  correlatorStateMessage,
  correlatorStateRecord,
  readCorrelatorState,
} from '@sitrep/codec';
import type { CorrelatorStateRecordV1 } from '@sitrep/contracts';
import { Correlator, type CorrelationSettings } from '@sitrep/domain';
import type { Logger } from '@sitrep/telemetry';

/** Largest state record the state topic accepts (its max.message.bytes). */
export const MAX_STATE_BYTES = 16 * 1024 * 1024;

/** A partition's correlator, restored, and the offset of the next alerts record it has not seen. */
export interface RestoredPartition {
  readonly correlator: Correlator;
  readonly nextOffset: bigint;
}

/**
 * The latest correlator state of each alerts partition, kept on a compacted topic (one key per
 * partition). It holds what it read at the last assignment and every save since, packed: a
 * correlator whose in-memory state ran ahead of what was stored starts again from here.
 */
export class CorrelatorStateStore {
  private stored = new Map<number, CorrelatorStateRecordV1>();

  constructor(
    private readonly bus: Pick<Bus, 'publish' | 'readAll'>,
    private readonly topic: string,
    private readonly settings: CorrelationSettings,
    private readonly logger: Logger,
  ) {}

  /** Reads the whole topic: another member may have advanced any partition since the last read. */
  async reload(): Promise<void> {
    const latest = new Map<number, CorrelatorStateRecordV1>();
    for (const message of await this.bus.readAll(this.topic)) {
      const read = readCorrelatorState(message);
      // Records of another format (a future version, or garbage) are left alone rather than misread.
      if (!read.ok) {
        this.logger.warn('unreadable correlator state record ignored', {
          offset: message.offset,
          reason: read.reason,
          detail: read.detail,
        });
        continue;
      }
      latest.set(read.value.partition, read.value);
    }
    this.stored = latest;
  }

  restore(partition: number): RestoredPartition {
    const saved = this.stored.get(partition);
    return saved
      ? { correlator: new Correlator(this.settings, correlatorSnapshotOf(saved)), nextOffset: BigInt(saved.nextOffset) }
      : { correlator: new Correlator(this.settings), nextOffset: 0n };
  }

  async save(partition: number, nextOffset: bigint, correlator: Correlator): Promise<void> {
    const record = correlatorStateRecord(partition, nextOffset, correlator.snapshot());
    const message = correlatorStateMessage(record);
    if (message.value.length > MAX_STATE_BYTES) {
      // Kafka would refuse it and the partition would stall retrying: say why, loudly.
      this.logger.error('correlator state too large for the state topic; add alerts partitions', {
        partition,
        bytes: message.value.length,
        openIncidents: correlator.openIncidentCount(),
      });
    }
    await this.bus.publish(this.topic, [message]);
    this.stored.set(partition, record);
  }
}
