import { SpanKind, context } from '@opentelemetry/api';
import {
  type BatchPosition,
  type Bus,
  type IncomingMessage,
  type Subscription,
  type TopicPartition,
  type TopicWrite,
  type TransactionalWriter,
} from '@sitrep/bus';
import { deadLetterSender, incidentEventMessages, readAlert, readChange, type DeadLetterReason } from '@sitrep/codec';
import type { TopicNames } from '@sitrep/contracts';
import type { Change, Clock, CorrelationSettings, Correlator, IncidentEvent } from '@sitrep/domain';
import { contextFromHeaders, inSpan, traceHeaders, type Logger } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { createCorrelatorMetrics } from './correlator-metrics.js';
import { correlatorLayout, CorrelatorStateStore, type RestoredPartition } from './correlator-state-store.js';
import { DEFAULT_INPUT_LIMITS } from '../input-limits.js';
import { inProduceRequests } from '../publish-size.js';

export interface CorrelatorServiceDeps {
  readonly bus: Bus;
  readonly topics: TopicNames;
  readonly settings: CorrelationSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Consumer group of the alerts topic: instances with the same id split its partitions. */
  readonly groupId: string;
  /** Unique per running instance: each instance reads every change. */
  readonly instanceId: string;
  readonly tickIntervalMs?: number;
  /**
   * The bus's largest produce request (Kafka's max.message.bytes): a batch's events go out in
   * requests within it, so a busy batch never makes one the broker refuses for good.
   */
  readonly maxMessageBytes?: number;
}

export interface RunningCorrelator {
  openIncidents(): number;
  close(): Promise<void>;
}

interface PartitionState {
  readonly restored: RestoredPartition;
  /** Offset of the next alerts record this state has not seen; earlier ones are duplicates. */
  nextOffset: bigint;
  /** The last batch reached the partition's end: there is no backlog whose time could still come first. */
  caughtUp: boolean;
  /** Saved since restoring: an upgraded state has been stored in parts and saves only changes now. */
  saved: boolean;
}

/** The partition count or the dependency map changed since the correlator state was written. */
export class CorrelatorLayoutMismatch extends Error {
  override readonly name = 'CorrelatorLayoutMismatch';
  /** No retry cures it: an operator re-keys the state (`sitrep migrate`) or restores the old settings. */
  readonly retriable = false;
}

/**
 * Runs the correlator as a consumer group on the alerts topic. How state survives restarts,
 * rebalances and paused processes: each batch's incident events, the parts of the correlator
 * state the batch changed and the group's position in the partition are committed in one
 * transaction, by a writer per alerts partition whose id fences any earlier owner of the
 * partition (a member paused past its session and woken after a rebalance can no longer commit).
 * A member given a partition opens its writer, then restores the partition's state from the
 * parts topic; records below the state's offset are duplicates. A crash at any point leaves the
 * events, the state and the position agreeing, so a re-run of a batch starts from exactly the
 * state that produced the committed events and, correlation being deterministic, emits the same
 * events under the same ids. Alerts that may correlate share a partition (ingest keys them by
 * dependency component), so instances never need each other's state. Changes are few and read
 * by every instance, into every partition's correlator.
 */
export async function startCorrelator(deps: CorrelatorServiceDeps): Promise<RunningCorrelator> {
  const { bus, topics, settings, clock, logger } = deps;
  const partitions = new Map<number, PartitionState>();
  const writers = new Map<number, TransactionalWriter>();
  const queues = new Map<number, Promise<void>>();
  const changes = new Map<string, Change>();
  const stateStore = new CorrelatorStateStore(
    bus,
    { parts: topics.correlatorStateParts, snapshots: topics.correlatorState },
    settings,
    logger,
  );
  await checkLayout(deps, stateStore);
  /** Partitions this member owns in the current generation; nothing else is saved. */
  let owned = new Set<number>();
  const sum = (count: (correlator: Correlator) => number) => (): number =>
    [...partitions.values()].reduce((total, state) => total + count(state.restored.correlator), 0);
  const openIncidents = sum((correlator) => correlator.openIncidentCount());
  const metrics = createCorrelatorMetrics(deps.registry, {
    openIncidents,
    resolvingIncidents: sum((correlator) => correlator.resolvingIncidentCount()),
  });

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

  /**
   * Opening the writer fences the partition's previous owner and waits until its transactions are
   * complete (their markers written, so read_committed reads include them): it comes before
   * reading the partition's state.
   */
  const writerFor = async (partition: number): Promise<TransactionalWriter> => {
    let writer = writers.get(partition);
    if (!writer) {
      writer = await bus.transactionalWriter(`${deps.groupId}.${topics.alerts}.${partition}`);
      writers.set(partition, writer);
    }
    return writer;
  };

  const forget = async (partition: number): Promise<void> => {
    partitions.delete(partition);
    const writer = writers.get(partition);
    writers.delete(partition);
    await writer?.close();
  };

  const stateFor = async (partition: number): Promise<{ state: PartitionState; events: IncidentEvent[] }> => {
    const existing = partitions.get(partition);
    if (existing) return { state: existing, events: [] };
    await writerFor(partition);
    const restored = await stateStore.restore(partition);
    const state: PartitionState = { restored, nextOffset: restored.nextOffset, caughtUp: false, saved: false };
    partitions.set(partition, state);
    const events = [...changes.values()].flatMap((change) => restored.correlator.applyChange(change));
    return { state, events };
  };

  const eventWrites = (events: readonly IncidentEvent[]): TopicWrite[] =>
    inProduceRequests(
      incidentEventMessages(events, traceHeaders()),
      deps.maxMessageBytes ?? DEFAULT_INPUT_LIMITS.messageBytes,
    ).map((messages) => ({ topic: topics.incidents, messages }));

  const countEvents = (events: readonly IncidentEvent[]): void => {
    for (const event of events) {
      metrics.events.inc({ type: event.type });
      if (event.type !== 'incident.alert_resolved') continue;
      metrics.alertsEnded.inc({ reason: event.data.reason });
      if (event.data.reason === 'stale') {
        logger.warn('alert presumed ended: no notification listed it for the stale window (lost resolution?)', {
          incidentId: event.incidentId,
          fingerprint: event.data.fingerprint,
          lastSeenAt: event.data.endsAt.toISOString(),
        });
      }
    }
  };

  const sendToDeadLetters = deadLetterSender({
    publish: (topic, messages) => bus.publish(topic, messages),
    topic: topics.deadLetter,
    logger,
    deadLetters: metrics.deadLetters,
  });
  const deadLetter = async (message: IncomingMessage, reason: DeadLetterReason, detail: string): Promise<void> => {
    await sendToDeadLetters(message, reason, detail);
    metrics.records.inc({ topic: message.topic, outcome: 'dead_lettered' });
  };

  /**
   * Applies `work` to a partition's state and commits its events, the changed state and the
   * position in one transaction; on failure, forgets the state and the writer. `consumed`: the
   * work applies a consumed batch, which must never end without being committed.
   */
  const update = (
    partition: number,
    work: (state: PartitionState) => Promise<IncidentEvent[]>,
    consumed = false,
  ): Promise<void> =>
    serial(partition, async () => {
      // A partition taken away since this work was queued: another member owns its state now.
      if (!owned.has(partition)) {
        await forget(partition);
        // A batch must fail, not succeed unprocessed: the consumer would move past its records,
        // and if the partition came back, the next batch's commit would skip them for good.
        if (consumed)
          throw new Error(`alerts partition ${partition} is not this member's now; the batch will come again`);
        return;
      }
      try {
        const { state, events: catchUp } = await stateFor(partition);
        const events = [...catchUp, ...(await work(state))];
        const restored = state.saved ? { ...state.restored, upgraded: false } : state.restored;
        const writer = await writerFor(partition);
        await writer.commit([...eventWrites(events), ...stateStore.writes(partition, restored, state.nextOffset)], {
          groupId: deps.groupId,
          topic: topics.alerts,
          partition,
          nextOffset: state.nextOffset,
        });
        state.saved = true;
        countEvents(events);
      } catch (error) {
        // The in-memory state ran ahead of what was committed; start again from the last commit.
        // With a new writer: opening it waits until this id's earlier transactions are complete
        // (their commit markers written), so the restore sees the last committed state, not an
        // older one under offsets that moved on.
        await forget(partition).catch(() => undefined);
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
        update(
          first.partition,
          async (state) => {
            await refuseSkipped(state, first);
            const events: IncidentEvent[] = [];
            for (const message of messages) {
              const offset = BigInt(message.offset);
              if (offset < state.nextOffset) {
                metrics.records.inc({ topic: message.topic, outcome: 'duplicate' });
                continue;
              }
              const parsed = readAlert(message);
              if (parsed.ok) {
                events.push(...state.restored.correlator.applyAlert(parsed.value));
                metrics.records.inc({ topic: message.topic, outcome: 'applied' });
              } else {
                await deadLetter(message, parsed.reason, parsed.detail);
              }
              state.nextOffset = offset + 1n;
            }
            state.caughtUp = position.caughtUp;
            return events;
          },
          true,
        ),
      { kind: SpanKind.CONSUMER, parent: contextFromHeaders(first.headers, context.active()) },
    );
    end();
  };

  /**
   * A batch must start where the state stopped: one starting later would commit a position past
   * records never correlated. The consumer then fails the batch and, once kafkajs gives up
   * retrying it, restarts from the position the state committed. Only records retention
   * already deleted may be skipped.
   */
  const refuseSkipped = async (state: PartitionState, first: IncomingMessage): Promise<void> => {
    const offset = BigInt(first.offset);
    if (offset <= state.nextOffset) return;
    const earliest = await bus.earliestOffset(first.topic, first.partition);
    if (earliest >= offset) {
      logger.warn('alerts deleted by retention before the correlator read them', {
        partition: first.partition,
        from: state.nextOffset.toString(),
        to: (offset - 1n).toString(),
      });
      return;
    }
    metrics.records.inc({ topic: first.topic, outcome: 'skipped_refused' }, Number(offset - state.nextOffset));
    throw new Error(
      `alerts partition ${first.partition}: the batch starts at ${offset} but the state stopped at ${state.nextOffset}; re-reading from there`,
    );
  };

  const onChange = async (message: IncomingMessage): Promise<void> => {
    const parsed = readChange(message);
    if (!parsed.ok) {
      await deadLetter(message, parsed.reason, parsed.detail);
      return;
    }
    const change = parsed.value;
    changes.set(change.id, change);
    // Keep only changes a future incident could still attach.
    const horizon = change.receivedAt.getTime() - settings.changeLookbackMs - settings.outOfOrderSkewMs;
    for (const [id, known] of changes) if (known.at.getTime() < horizon) changes.delete(id);
    metrics.records.inc({ topic: message.topic, outcome: 'applied' });
    await Promise.all(
      [...partitions.keys()]
        .filter((partition) => owned.has(partition))
        .map((partition) =>
          update(partition, (state) => Promise.resolve(state.restored.correlator.applyChange(change))),
        ),
    );
  };

  const onAssignment = async (assigned: readonly TopicPartition[]): Promise<void> => {
    const next = new Set(assigned.filter((tp) => tp.topic === topics.alerts).map((tp) => tp.partition));
    // Fence first: work still queued for a partition we lose must not commit over its new owner.
    owned = new Set([...owned].filter((partition) => next.has(partition)));
    await Promise.allSettled([...queues.values()]);
    // Another instance may have advanced even the partitions we keep: reload every one, here
    // (batches wait for this, heartbeating) rather than in a batch, where a long restore would
    // outlast the session.
    await Promise.all([...partitions.keys(), ...writers.keys()].map((partition) => forget(partition)));
    owned = next;
    for (const partition of [...next].sort((a, b) => a - b)) {
      await serial(partition, async () => {
        await stateFor(partition);
      });
    }
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
      commits: 'handler',
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
      const deadline = state.restored.correlator.nextDeadline();
      if (deadline === null || deadline > now) continue;
      update(partition, (current) => Promise.resolve(current.restored.correlator.tick(deadline))).catch(
        (error: unknown) => {
          logger.warn('tick failed; will retry', { partition, error: error as Error });
        },
      );
    }
  }, deps.tickIntervalMs ?? 1000);
  ticker.unref();

  return {
    openIncidents,
    close: async () => {
      clearInterval(ticker);
      await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
      await Promise.allSettled([...queues.values()]);
      await Promise.allSettled([...writers.values()].map((writer) => writer.close()));
    },
  };
}

/**
 * State written under another partition count or dependency map sits on the wrong partitions
 * (alerts of an open incident would now reach a member that does not hold it): refuse to run.
 * A first start (or one upgraded from whole snapshots) records the layout.
 */
async function checkLayout(deps: CorrelatorServiceDeps, stateStore: CorrelatorStateStore): Promise<void> {
  const { bus, topics } = deps;
  const alertsPartitions = await bus.partitionCount(topics.alerts);
  const statePartitions = await bus.partitionCount(topics.correlatorStateParts);
  const layout = correlatorLayout(deps.settings, alertsPartitions);
  const stored = await stateStore.storedLayout();
  const migrate = 'stop every correlator and run `sitrep migrate` to re-key the open incidents';
  if (statePartitions !== alertsPartitions) {
    throw new CorrelatorLayoutMismatch(
      `${topics.alerts} has ${alertsPartitions} partitions but ${topics.correlatorStateParts} has ${statePartitions}: ${migrate}`,
    );
  }
  if (stored === null) {
    await bus.publish(topics.correlatorStateParts, stateStore.layoutWrite(layout).messages);
    return;
  }
  if (stored.alertsPartitions !== layout.alertsPartitions) {
    throw new CorrelatorLayoutMismatch(
      `the correlator state was keyed for ${stored.alertsPartitions} alerts partitions, ${topics.alerts} now has ${layout.alertsPartitions}: ${migrate}`,
    );
  }
  if (stored.keying !== layout.keying) {
    throw new CorrelatorLayoutMismatch(
      `the correlator state was keyed under another dependency map or scope label (SITREP_CORRELATION_CONFIG, SITREP_SCOPE_LABEL): ${migrate}, or restore the previous map`,
    );
  }
}
