import { gunzipSync, gzipSync } from 'node:zlib';
import { SpanKind, context } from '@opentelemetry/api';
import type {
  BatchPosition,
  Bus,
  IncomingMessage,
  OutgoingMessage,
  OutgoingMessageTo,
  Subscription,
  TopicPartition,
} from '@sitrep/bus';
import {
  ALERT_RECORD_SCHEMA_NAME,
  CHANGE_RECORD_SCHEMA_NAME,
  HEADERS,
  parseAlertRecord,
  parseChangeRecord,
  type TopicNames,
} from '@sitrep/contracts';
import {
  Correlator,
  type Change,
  type Clock,
  type CorrelationSettings,
  type CorrelatorSnapshot,
  type IncidentEvent,
} from '@sitrep/domain';
import { contextFromHeaders, inSpan, traceHeaders, type Logger } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { createCorrelatorMetrics } from './correlator-metrics.js';
import {
  alertFromRecord,
  changeFromRecord,
  deadLetterRecord,
  incidentEventRecord,
  readRecord,
  type DeadLetterReason,
} from '@sitrep/codec';

export const CORRELATOR_STATE_SCHEMA_NAME = 'sitrep.correlator-state.v1';

export interface CorrelatorServiceDeps {
  readonly bus: Bus;
  readonly topics: TopicNames & { readonly state: string };
  readonly settings: CorrelationSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Consumer group of the alerts topic: instances with the same id split its partitions. */
  readonly groupId: string;
  /** Unique per running instance: each instance reads every change. */
  readonly instanceId: string;
  readonly tickIntervalMs?: number;
}

export interface RunningCorrelator {
  openIncidents(): number;
  close(): Promise<void>;
}

interface PartitionState {
  readonly correlator: Correlator;
  /** Offset of the next alerts record this state has not seen; earlier ones are duplicates. */
  nextOffset: bigint;
  /** The last batch reached the partition's end: there is no backlog whose time could still come first. */
  caughtUp: boolean;
}

interface StoredState {
  readonly schema: typeof CORRELATOR_STATE_SCHEMA_NAME;
  readonly partition: number;
  readonly nextOffset: string;
  /**
   * The CorrelatorSnapshot as gzipped JSON in base64: repeated label sets compress about tenfold,
   * which keeps a partition with 100,000 open alerts under the state topic's 16 MiB record limit.
   */
  readonly snapshot: string;
}

/** Largest state record the state topic accepts (its max.message.bytes). */
export const MAX_STATE_BYTES = 16 * 1024 * 1024;

function packSnapshot(snapshot: CorrelatorSnapshot): string {
  return gzipSync(JSON.stringify(snapshot)).toString('base64');
}

function unpackSnapshot(packed: string): CorrelatorSnapshot {
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as CorrelatorSnapshot;
}

/**
 * Runs the correlator as a consumer group on the alerts topic. How state survives restarts and
 * rebalances: after each batch, the partition's correlator state and the offset it has reached go
 * to a compacted state topic (key: the partition), written before the batch's offsets are
 * committed. A member given a partition loads that state and skips records below its offset, so
 * a crash between the two writes repeats nothing; a crash before both re-runs the batch, and
 * because correlation is deterministic it emits the same events with the same ids (consumers
 * drop repeats). Alerts that may correlate share a partition (ingest keys them by dependency
 * component), so instances never need each other's state. Changes are few and read by every
 * instance, into every partition's correlator.
 */
export async function startCorrelator(deps: CorrelatorServiceDeps): Promise<RunningCorrelator> {
  const { bus, topics, settings, clock, logger } = deps;
  const partitions = new Map<number, PartitionState>();
  const queues = new Map<number, Promise<void>>();
  const changes = new Map<string, Change>();
  /** The latest state known stored per partition: read at assignment, then our own saves. */
  let stored = new Map<number, StoredState>();
  /** Partitions this member owns in the current generation; nothing else is saved. */
  let owned = new Set<number>();
  const metrics = createCorrelatorMetrics(deps.registry, () =>
    [...partitions.values()].reduce((sum, state) => sum + state.correlator.openIncidentCount(), 0),
  );

  /** Everything touching one partition's state runs one at a time, in arrival order. */
  const serial = (partition: number, work: () => Promise<void>): Promise<void> => {
    const previous = queues.get(partition) ?? Promise.resolve();
    const next = previous.then(work, work);
    queues.set(
      partition,
      next.catch(() => undefined),
    );
    return next;
  };

  const loadStoredStates = async (): Promise<Map<number, StoredState>> => {
    const latest = new Map<number, StoredState>();
    for (const message of await bus.readAll(topics.state)) {
      // Records of another format (a future version, or garbage) are left alone rather than misread.
      let value: { schema?: unknown };
      try {
        value = JSON.parse(message.value) as { schema?: unknown };
      } catch {
        logger.warn('unreadable correlator state record ignored', { offset: message.offset });
        continue;
      }
      if (value.schema === CORRELATOR_STATE_SCHEMA_NAME) {
        latest.set((value as StoredState).partition, value as StoredState);
      }
    }
    return latest;
  };

  const stateFor = (partition: number): { state: PartitionState; events: IncidentEvent[] } => {
    const existing = partitions.get(partition);
    if (existing) return { state: existing, events: [] };
    const saved = stored.get(partition);
    const correlator = new Correlator(settings, saved ? unpackSnapshot(saved.snapshot) : undefined);
    const state: PartitionState = { correlator, nextOffset: saved ? BigInt(saved.nextOffset) : 0n, caughtUp: false };
    partitions.set(partition, state);
    const events = [...changes.values()].flatMap((change) => correlator.applyChange(change));
    return { state, events };
  };

  const publishEvents = async (events: readonly IncidentEvent[]): Promise<void> => {
    if (events.length === 0) return;
    const trace = traceHeaders();
    const messages: OutgoingMessage[] = events.map((event) => ({
      key: event.incidentId,
      value: JSON.stringify(incidentEventRecord(event)),
      headers: {
        ...trace,
        [HEADERS.id]: event.id,
        [HEADERS.schema]: 'sitrep.incident-event.v1',
        'sitrep-event-type': event.type,
      },
    }));
    await bus.publish(topics.incidents, messages);
    for (const event of events) metrics.events.inc({ type: event.type });
  };

  const saveState = async (partition: number, state: PartitionState): Promise<void> => {
    const value: StoredState = {
      schema: CORRELATOR_STATE_SCHEMA_NAME,
      partition,
      nextOffset: state.nextOffset.toString(),
      snapshot: packSnapshot(state.correlator.snapshot()),
    };
    const message: OutgoingMessageTo = {
      key: `alerts-partition-${partition}`,
      value: JSON.stringify(value),
      partition: 0,
    };
    if (message.value.length > MAX_STATE_BYTES) {
      // Kafka would refuse it and the partition would stall retrying: say why, loudly.
      logger.error('correlator state too large for the state topic; add alerts partitions', {
        partition,
        bytes: message.value.length,
        openIncidents: state.correlator.openIncidentCount(),
      });
    }
    await bus.publish(topics.state, [message]);
    stored.set(partition, value);
  };

  const deadLetter = async (message: IncomingMessage, reason: DeadLetterReason, detail: string): Promise<void> => {
    logger.warn('record sent to the dead-letter topic', {
      topic: message.topic,
      offset: message.offset,
      reason,
      detail,
    });
    await bus.publish(topics.deadLetter, [deadLetterRecord(message, reason, detail)]);
    metrics.deadLetters.inc({ reason });
    metrics.records.inc({ topic: message.topic, outcome: 'dead_lettered' });
  };

  /** Applies `work` to a partition's state and persists the result; on failure, forgets the state. */
  const update = (partition: number, work: (state: PartitionState) => Promise<IncidentEvent[]>): Promise<void> =>
    serial(partition, async () => {
      // A partition taken away since this work was queued: another member owns its state now,
      // and writing ours would overwrite theirs.
      if (!owned.has(partition)) {
        partitions.delete(partition);
        return;
      }
      try {
        const { state, events: catchUp } = stateFor(partition);
        const events = [...catchUp, ...(await work(state))];
        await publishEvents(events);
        await saveState(partition, state);
      } catch (error) {
        // The in-memory state ran ahead of what was stored; start again from the last save.
        partitions.delete(partition);
        throw error;
      }
    });

  const onAlertBatch = async (messages: readonly IncomingMessage[], position: BatchPosition): Promise<void> => {
    const first = messages[0];
    if (!first) return;
    const end = metrics.batchDuration.startTimer();
    await inSpan(
      'correlate alerts',
      {
        'messaging.system': 'kafka',
        'messaging.source.partition': first.partition,
        'messaging.batch.message_count': messages.length,
      },
      () =>
        update(first.partition, async (state) => {
          const events: IncidentEvent[] = [];
          for (const message of messages) {
            const offset = BigInt(message.offset);
            if (offset < state.nextOffset) {
              metrics.records.inc({ topic: message.topic, outcome: 'duplicate' });
              continue;
            }
            const parsed = readRecord(message, ALERT_RECORD_SCHEMA_NAME, parseAlertRecord);
            if (parsed.ok) {
              events.push(...state.correlator.applyAlert(alertFromRecord(parsed.value)));
              metrics.records.inc({ topic: message.topic, outcome: 'applied' });
            } else {
              await deadLetter(message, parsed.reason, parsed.detail);
            }
            state.nextOffset = offset + 1n;
          }
          state.caughtUp = position.caughtUp;
          return events;
        }),
      { kind: SpanKind.CONSUMER, parent: contextFromHeaders(first.headers, context.active()) },
    );
    end();
  };

  const onChange = async (message: IncomingMessage): Promise<void> => {
    const parsed = readRecord(message, CHANGE_RECORD_SCHEMA_NAME, parseChangeRecord);
    if (!parsed.ok) {
      await deadLetter(message, parsed.reason, parsed.detail);
      return;
    }
    const change = changeFromRecord(parsed.value);
    changes.set(change.id, change);
    // Keep only changes a future incident could still attach.
    const horizon = change.receivedAt.getTime() - settings.changeLookbackMs - settings.outOfOrderSkewMs;
    for (const [id, known] of changes) if (known.at.getTime() < horizon) changes.delete(id);
    metrics.records.inc({ topic: message.topic, outcome: 'applied' });
    await Promise.all(
      [...partitions.keys()]
        .filter((partition) => owned.has(partition))
        .map((partition) => update(partition, (state) => Promise.resolve(state.correlator.applyChange(change)))),
    );
  };

  const onAssignment = async (assigned: readonly TopicPartition[]): Promise<void> => {
    const next = new Set(assigned.filter((tp) => tp.topic === topics.alerts).map((tp) => tp.partition));
    // Fence first: work still queued for a partition we lose must not save over its new owner.
    owned = new Set([...owned].filter((partition) => next.has(partition)));
    await Promise.allSettled([...queues.values()]);
    // Another instance may have advanced even the partitions we keep: reload every one.
    partitions.clear();
    stored = await loadStoredStates();
    owned = next;
    logger.info('correlator assigned partitions', { partitions: [...next].sort((a, b) => a - b) });
  };

  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await bus.subscribe({
      groupId: `${deps.groupId}-changes-${deps.instanceId}`,
      topics: [topics.changes],
      fromBeginning: true,
      // Read whole at every start (changes are few), so the group is not worth keeping.
      ephemeral: true,
      eachMessage: onChange,
    }),
  );
  subscriptions.push(
    await bus.subscribe({
      groupId: deps.groupId,
      topics: [topics.alerts],
      fromBeginning: true,
      eachBatch: onAlertBatch,
      onAssignment,
    }),
  );

  // Quiet periods end with no record arriving; the clock only says *when* to look. The state's
  // own time moves to the deadline itself, not to the wall clock, so live runs and replays agree.
  const ticker = setInterval(() => {
    const now = clock.now();
    for (const [partition, state] of partitions) {
      // Only a partition with no backlog: a lagging one may still hold an alert, received before
      // the deadline, that keeps the incident open.
      if (!owned.has(partition) || !state.caughtUp) continue;
      const deadline = state.correlator.nextDeadline();
      if (deadline === null || deadline > now) continue;
      update(partition, (current) => Promise.resolve(current.correlator.tick(deadline))).catch((error: unknown) => {
        logger.warn('tick failed; will retry', { partition, error: error as Error });
      });
    }
  }, deps.tickIntervalMs ?? 1000);
  ticker.unref();

  return {
    openIncidents: () => [...partitions.values()].reduce((sum, state) => sum + state.correlator.openIncidentCount(), 0),
    close: async () => {
      clearInterval(ticker);
      await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
      await Promise.allSettled([...queues.values()]);
    },
  };
}
