import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from '@sitrep/telemetry';
import type {
  BatchPosition,
  Bus,
  BusReadiness,
  ConsumedPosition,
  IncomingMessage,
  OutgoingMessageTo,
  SubscribeOptions,
  Subscription,
  TopicSpec,
  TopicWrite,
  TransactionalWriter,
} from './bus.js';
import { BusError } from './bus-error.js';
import { InFlight } from './timeout.js';

export interface EmbeddedBusOptions {
  /** SQLite file; created with its folder if missing. */
  readonly path: string;
  readonly logger: Logger;
  /** How often idle consumers look for records written by another process. */
  readonly pollIntervalMs?: number;
  /** Wait before re-delivering a message whose handler threw. */
  readonly retryBackoffMs?: number;
}

interface MessageRow {
  offset: number;
  key: string | null;
  value: string;
  headers: string;
  timestamp: number;
}

const BATCH = 100;

/** A publish waiting for the next group commit. */
interface PendingPublish {
  readonly topic: string;
  readonly messages: readonly OutgoingMessageTo[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * SQLITE_BUSY and SQLITE_LOCKED: another process holds the file for a moment (it opens it too).
 * Anything else at open (no permission, not a folder, a damaged file) waits for an operator.
 */
function isBusy(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' && [5, 6].includes(errcode & 0xff);
}

function toIncoming(topic: string, row: MessageRow): IncomingMessage {
  return {
    topic,
    partition: 0,
    offset: String(row.offset),
    key: row.key,
    value: row.value,
    headers: JSON.parse(row.headers) as Record<string, string>,
    timestamp: new Date(row.timestamp),
  };
}

/**
 * A single-machine stand-in for Kafka, so Sitrep runs with no external server: one SQLite file
 * in WAL mode with synchronous=FULL, so a publish that returned is on disk. Each topic is a
 * single ordered log (one partition); consumer groups keep their committed offsets in the same
 * file, so a restart resumes where it stopped. One member per group: it is for one process.
 */
export class EmbeddedBus implements Bus {
  readonly kind = 'embedded';
  private db: DatabaseSync | undefined;
  private readonly events = new EventEmitter();
  private readonly inFlight = new InFlight();
  private readonly activeGroups = new Set<string>();
  private readonly subscriptions = new Set<Subscription>();
  private pending: PendingPublish[] = [];
  private flushScheduled = false;
  private closing = false;
  private statements:
    | {
        topicOffset: StatementSync;
        markCompacted: StatementSync;
        dropOlderWithKey: StatementSync;
        readAll: StatementSync;
        insertTopic: StatementSync;
        bumpTopic: StatementSync;
        insertMessage: StatementSync;
        readMessages: StatementSync;
        groupOffset: StatementSync;
        commitOffset: StatementSync;
        bumpWriter: StatementSync;
        writerEpoch: StatementSync;
        earliest: StatementSync;
      }
    | undefined;

  constructor(private readonly options: EmbeddedBusOptions) {
    this.events.setMaxListeners(0);
  }

  start(topics: readonly TopicSpec[]): Promise<void> {
    try {
      if (!this.db) this.open();
      const statements = this.requireOpen();
      for (const topic of topics) {
        statements.insertTopic.run(topic.name);
        if (topic.config?.['cleanup.policy'] === 'compact') statements.markCompacted.run(topic.name);
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(
        error instanceof BusError
          ? error
          : new BusError(`cannot open ${this.options.path}: ${(error as Error).message}`, 'unknown', isBusy(error), {
              cause: error,
            }),
      );
    }
  }

  private open(): void {
    mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new DatabaseSync(this.options.path);
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS bus_topics (name TEXT PRIMARY KEY, next_offset INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS bus_messages (
        topic TEXT NOT NULL, offset INTEGER NOT NULL, key TEXT, value TEXT NOT NULL,
        headers TEXT NOT NULL, timestamp INTEGER NOT NULL, PRIMARY KEY (topic, offset)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS bus_group_offsets (
        group_id TEXT NOT NULL, topic TEXT NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (group_id, topic)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS bus_messages_by_key ON bus_messages (topic, key);
      CREATE TABLE IF NOT EXISTS bus_writers (id TEXT PRIMARY KEY, epoch INTEGER NOT NULL) WITHOUT ROWID;
    `);
    // Added after the first release: data dirs created by it lack the column.
    const columns = db.prepare('PRAGMA table_info(bus_topics)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'compacted')) {
      db.exec('ALTER TABLE bus_topics ADD COLUMN compacted INTEGER NOT NULL DEFAULT 0');
    }
    this.statements = {
      topicOffset: db.prepare('SELECT next_offset AS next, compacted FROM bus_topics WHERE name = ?'),
      markCompacted: db.prepare('UPDATE bus_topics SET compacted = 1 WHERE name = ?'),
      // Compaction done eagerly: a compacted topic keeps only the latest message per key.
      dropOlderWithKey: db.prepare('DELETE FROM bus_messages WHERE topic = ? AND key = ? AND offset < ?'),
      readAll: db.prepare(
        'SELECT offset, key, value, headers, timestamp FROM bus_messages WHERE topic = ? AND offset < ? ORDER BY offset',
      ),
      insertTopic: db.prepare('INSERT OR IGNORE INTO bus_topics (name) VALUES (?)'),
      bumpTopic: db.prepare('UPDATE bus_topics SET next_offset = ? WHERE name = ?'),
      insertMessage: db.prepare(
        'INSERT INTO bus_messages (topic, offset, key, value, headers, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      readMessages: db.prepare(
        'SELECT offset, key, value, headers, timestamp FROM bus_messages WHERE topic = ? AND offset >= ? ORDER BY offset LIMIT ?',
      ),
      groupOffset: db.prepare('SELECT next_offset AS next FROM bus_group_offsets WHERE group_id = ? AND topic = ?'),
      commitOffset: db.prepare(
        `INSERT INTO bus_group_offsets (group_id, topic, next_offset) VALUES (?, ?, ?)
         ON CONFLICT (group_id, topic) DO UPDATE SET next_offset = excluded.next_offset`,
      ),
      bumpWriter: db.prepare(
        `INSERT INTO bus_writers (id, epoch) VALUES (?, 1)
         ON CONFLICT (id) DO UPDATE SET epoch = epoch + 1 RETURNING epoch`,
      ),
      writerEpoch: db.prepare('SELECT epoch FROM bus_writers WHERE id = ?'),
      earliest: db.prepare('SELECT MIN(offset) AS first FROM bus_messages WHERE topic = ?'),
    };
    this.db = db;
  }

  private requireOpen(): NonNullable<EmbeddedBus['statements']> {
    if (this.closing) throw new BusError('the bus is closing', 'closed', true);
    if (!this.statements) throw new BusError('the embedded bus is not started', 'not_ready', true);
    return this.statements;
  }

  private topicEnd(topic: string): number {
    return this.topicRow(topic).next;
  }

  private topicRow(topic: string): { next: number; compacted: number } {
    const row = this.requireOpen().topicOffset.get(topic) as { next: number; compacted: number } | undefined;
    if (row === undefined) throw new BusError(`unknown topic ${topic}`, 'protocol', false);
    return row;
  }

  /**
   * One partition per topic here; an explicit partition in a message is therefore ignored.
   * Group commit: the publishes of one turn of the event loop are written in one transaction, so
   * they share one fsync (synchronous=FULL), and each resolves only once that commit is on disk.
   * Each publish is its own savepoint: one that fails (an unknown topic) fails alone.
   */
  publish(topic: string, messages: readonly OutgoingMessageTo[]): Promise<void> {
    try {
      this.requireOpen();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const published = new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, messages, resolve, reject });
    });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // setImmediate, not a microtask: requests whose bodies arrived in the same turn join in.
      setImmediate(() => this.flushPublishes());
    }
    return this.inFlight.track(published);
  }

  private flushPublishes(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const failed = (error: unknown, what: string): BusError =>
      error instanceof BusError
        ? error
        : new BusError(`${what} failed: ${(error as Error).message}`, 'unknown', true, { cause: error });
    const written: PendingPublish[] = [];
    try {
      this.requireOpen();
      const db = this.db as DatabaseSync;
      db.exec('BEGIN IMMEDIATE');
      try {
        const now = Date.now();
        for (const publish of batch) {
          db.exec('SAVEPOINT publish');
          try {
            this.append(publish.topic, publish.messages, now);
            db.exec('RELEASE publish');
            written.push(publish);
          } catch (error) {
            db.exec('ROLLBACK TO publish');
            db.exec('RELEASE publish');
            publish.reject(failed(error, `publish to ${publish.topic}`));
          }
        }
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      // Nothing of this transaction was written; rejecting one already rejected changes nothing.
      for (const publish of batch) publish.reject(failed(error, 'publish'));
      return;
    }
    for (const topic of new Set(written.map((publish) => publish.topic))) this.events.emit('published', topic);
    for (const publish of written) publish.resolve();
  }

  /** Runs `write` in one immediate transaction and wakes the consumers of the topics it wrote. */
  private atomically(what: string, write: () => readonly string[]): Promise<void> {
    try {
      this.requireOpen();
      const db = this.db as DatabaseSync;
      db.exec('BEGIN IMMEDIATE');
      let written: readonly string[];
      try {
        written = write();
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      for (const topic of written) this.events.emit('published', topic);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(
        error instanceof BusError
          ? error
          : new BusError(`${what} failed: ${(error as Error).message}`, 'unknown', true, { cause: error }),
      );
    }
  }

  /** Inside a transaction. A compacted topic keeps only each key's latest message, and none after a tombstone. */
  private append(topic: string, messages: readonly OutgoingMessageTo[], now: number): void {
    const statements = this.requireOpen();
    const { next, compacted } = this.topicRow(topic);
    let offset = next;
    for (const message of messages) {
      if (message.value === null) {
        if (compacted !== 1)
          throw new BusError(`a tombstone needs a compacted topic; ${topic} is not`, 'protocol', false);
        statements.dropOlderWithKey.run(topic, message.key, offset);
        continue;
      }
      statements.insertMessage.run(
        topic,
        offset,
        message.key,
        message.value,
        JSON.stringify(message.headers ?? {}),
        now,
      );
      if (compacted === 1) statements.dropOlderWithKey.run(topic, message.key, offset);
      offset += 1;
    }
    statements.bumpTopic.run(offset, topic);
  }

  /** Fencing lives in the file, so it holds between processes sharing it too. */
  transactionalWriter(id: string): Promise<TransactionalWriter> {
    try {
      const { epoch } = this.requireOpen().bumpWriter.get(id) as { epoch: number };
      let closed = false;
      const writer: TransactionalWriter = {
        id,
        commit: (writes: readonly TopicWrite[], position?: ConsumedPosition) => {
          if (closed) return Promise.reject(new BusError(`writer ${id} is closed`, 'closed', false));
          return this.atomically(`commit of writer ${id}`, () => {
            const statements = this.requireOpen();
            const current = (statements.writerEpoch.get(id) as { epoch: number } | undefined)?.epoch;
            if (current !== epoch) {
              throw new BusError(`writer ${id} was fenced by a newer one with the same id`, 'fenced', false);
            }
            const now = Date.now();
            for (const write of writes) this.append(write.topic, write.messages, now);
            if (position) {
              if (position.partition !== 0) {
                throw new BusError(`the embedded bus has one partition; got ${position.partition}`, 'protocol', false);
              }
              statements.commitOffset.run(position.groupId, position.topic, Number(position.nextOffset));
            }
            return writes.map((write) => write.topic);
          });
        },
        close: () => {
          closed = true;
          return Promise.resolve();
        },
      };
      return Promise.resolve(writer);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    try {
      const statements = this.requireOpen();
      if (this.activeGroups.has(options.groupId)) {
        throw new BusError(
          `group ${options.groupId} already has a member; the embedded bus allows one`,
          'protocol',
          false,
        );
      }
      for (const topic of options.topics) {
        const committed = statements.groupOffset.get(options.groupId, topic) as { next: number } | undefined;
        // Like Kafka's auto.offset.reset: a new group starts at the beginning or at the current end,
        // and that position is committed at once so a restart does not skip or repeat.
        if (committed === undefined) {
          statements.commitOffset.run(options.groupId, topic, options.fromBeginning ? 0 : this.topicEnd(topic));
        }
      }
      this.activeGroups.add(options.groupId);
      const subscription = this.runGroup(options);
      this.subscriptions.add(subscription);
      return Promise.resolve(subscription);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private runGroup(options: SubscribeOptions): Subscription {
    let stopped = false;
    // A call, not the variable: close() flips it while the loop is suspended in an await.
    const isStopped = (): boolean => stopped;
    let wake: (() => void) | undefined;
    const onPublish = (topic: string): void => {
      if (options.topics.includes(topic)) wake?.();
    };
    this.events.on('published', onPublish);
    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });

    const handleBatch =
      options.eachBatch ??
      (async (messages: readonly IncomingMessage[], _position: BatchPosition) => {
        for (const message of messages) await options.eachMessage?.(message);
      });

    // With handler commits, where this member has got to: past the committed offset while the
    // handler's commits lag (it may commit every few batches, or skip a batch it drops).
    const positions = new Map<string, number>();
    const deliverAvailable = async (): Promise<number> => {
      const statements = this.requireOpen();
      let delivered = 0;
      for (const topic of options.topics) {
        if (isStopped()) return delivered;
        const committed = (statements.groupOffset.get(options.groupId, topic) as { next: number }).next;
        const from = Math.max(committed, positions.get(topic) ?? 0);
        const rows = statements.readMessages.all(topic, from, options.eachBatch ? BATCH : 1) as unknown as MessageRow[];
        const last = rows.at(-1);
        if (last === undefined) continue;
        await handleBatch(
          rows.map((row) => toIncoming(topic, row)),
          { caughtUp: last.offset + 1 >= this.topicEnd(topic) },
        );
        if (options.commits === 'handler') positions.set(topic, last.offset + 1);
        else statements.commitOffset.run(options.groupId, topic, last.offset + 1);
        delivered += rows.length;
      }
      return delivered;
    };

    const loop = async (): Promise<void> => {
      // One member owns every (single) partition, from the start.
      await options.onAssignment?.(options.topics.map((topic) => ({ topic, partition: 0 })));
      while (!isStopped()) {
        try {
          const delivered = await deliverAvailable();
          if (delivered === 0 && !isStopped()) await sleep(this.options.pollIntervalMs ?? 500);
        } catch (error) {
          if (isStopped()) return;
          // As a Kafka member restarting after a failed batch: from the last committed offset.
          positions.clear();
          this.options.logger.error('embedded consumer handler failed; will redeliver', {
            group: options.groupId,
            error,
          });
          await sleep(this.options.retryBackoffMs ?? 1000);
        }
      }
    };
    const running = this.inFlight.track(loop());

    const subscription: Subscription = {
      close: async () => {
        if (stopped) return;
        stopped = true;
        wake?.();
        this.events.off('published', onPublish);
        await running;
        if (options.ephemeral && this.db)
          this.db.prepare('DELETE FROM bus_group_offsets WHERE group_id = ?').run(options.groupId);
        this.activeGroups.delete(options.groupId);
        this.subscriptions.delete(subscription);
      },
    };
    return subscription;
  }

  readAll(topic: string): Promise<IncomingMessage[]> {
    try {
      const end = this.topicEnd(topic);
      const rows = this.requireOpen().readAll.all(topic, end) as unknown as MessageRow[];
      return Promise.resolve(rows.map((row) => toIncoming(topic, row)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  readPartition(topic: string, partition: number): Promise<IncomingMessage[]> {
    if (partition !== 0) {
      return Promise.reject(new BusError(`the embedded bus has one partition; got ${partition}`, 'protocol', false));
    }
    return this.readAll(topic);
  }

  /** The embedded bus deletes nothing but superseded keys of compacted topics. */
  earliestOffset(topic: string, partition: number): Promise<bigint> {
    if (partition !== 0) {
      return Promise.reject(new BusError(`the embedded bus has one partition; got ${partition}`, 'protocol', false));
    }
    try {
      const row = this.requireOpen().earliest.get(topic) as { first: number | null };
      return Promise.resolve(BigInt(row.first ?? this.topicEnd(topic)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  partitionCount(topic: string): Promise<number> {
    try {
      this.topicEnd(topic);
      return Promise.resolve(1);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  readiness(): Promise<BusReadiness> {
    if (this.closing) return Promise.resolve({ ready: false, detail: 'closing' });
    if (!this.db) return Promise.resolve({ ready: false, detail: 'not started' });
    return Promise.resolve({ ready: true, detail: `embedded bus at ${this.options.path}` });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.flushPublishes();
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    this.closing = true;
    await this.inFlight.drain();
    this.db?.close();
    this.db = undefined;
    this.statements = undefined;
  }
}
