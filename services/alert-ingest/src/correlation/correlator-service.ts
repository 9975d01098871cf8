import { SpanKind, context } from '@opentelemetry/api';
import type { BatchPosition, Bus, IncomingMessage, Subscription, TopicPartition } from '@sitrep/bus';
import { deadLetterSender, incidentEventMessages, readAlert, readChange, type DeadLetterReason } from '@sitrep/codec';
import type { TopicNames } from '@sitrep/contracts';
import type { Change, Clock, CorrelationSettings, Correlator, IncidentEvent } from '@sitrep/domain';
import { contextFromHeaders, inSpan, traceHeaders, type Logger } from '@sitrep/telemetry';
import type { Registry } from 'prom-client';
import { createCorrelatorMetrics } from './correlator-metrics.js';
import { CorrelatorStateStore } from './correlator-state-store.js';
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
  readonly correlator: Correlator;
  /** Offset of the next alerts record this state has not seen; earlier ones are duplicates. */
  nextOffset: bigint;
  /** The last batch reached the partition's end: there is no backlog whose time could still come first. */
  caughtUp: boolean;
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
  const stateStore = new CorrelatorStateStore(bus, topics.correlatorState, settings, logger);
  /** Partitions this member owns in the current generation; nothing else is saved. */
  let owned = new Set<number>();
  const sum = (count: (correlator: Correlator) => number) => (): number =>
    [...partitions.values()].reduce((total, state) => total + count(state.correlator), 0);
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

  const stateFor = (partition: number): { state: PartitionState; events: IncidentEvent[] } => {
    const existing = partitions.get(partition);
    if (existing) return { state: existing, events: [] };
    const { correlator, nextOffset } = stateStore.restore(partition);
    const state: PartitionState = { correlator, nextOffset, caughtUp: false };
    partitions.set(partition, state);
    const events = [...changes.values()].flatMap((change) => correlator.applyChange(change));
    return { state, events };
  };

  const publishEvents = async (events: readonly IncidentEvent[]): Promise<void> => {
    if (events.length === 0) return;
    const messages = incidentEventMessages(events, traceHeaders());
    for (const request of inProduceRequests(messages, deps.maxMessageBytes ?? DEFAULT_INPUT_LIMITS.messageBytes)) {
      await bus.publish(topics.incidents, request);
    }
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
        await stateStore.save(partition, state.nextOffset, state.correlator);
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
            const parsed = readAlert(message);
            if (parsed.ok) {
              events.push(...state.correlator.applyAlert(parsed.value));
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
    await stateStore.reload();
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
    openIncidents,
    close: async () => {
      clearInterval(ticker);
      await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
      await Promise.allSettled([...queues.values()]);
    },
  };
}
