import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
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
  /**
   * Flushes the write-ahead log to disk (fsync of the `-wal` file). Tests replace it to hold or
   * fail a flush; the default is the real one.
   */
  readonly syncWal?: (walPath: string) => Promise<void>;
}

/** The WAL file's handle, reopened if SQLite ever replaced the file (it does not while it is open). */
function walSyncer(): WalSync {
  let handle: { file: FileHandle; ino: number } | undefined;
  const sync = async (walPath: string): Promise<void> => {
    const current = await stat(walPath).catch((error: unknown) => {
      // No WAL: SQLite removed it after checkpointing everything into the (synced) database.
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    });
    if (!current) return;
    if (handle && handle.ino !== current.ino) {
      await handle.file.close();
      handle = undefined;
    }
    if (!handle) {
      const file = await open(walPath, 'r+');
      handle = { file, ino: (await file.stat()).ino };
    }
    await handle.file.sync();
  };
  const close = async (): Promise<void> => {
    const open = handle;
    handle = undefined;
    await open?.file.close();
  };
  return { sync, close };
}

interface WalSync {
  sync(walPath: string): Promise<void>;
  close(): Promise<void>;
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

/** Why messages cannot be appended to a topic (its row, if it exists), or undefined if they can. */
function refusalOf(
  topic: string,
  row: { compacted: number } | undefined,
  messages: readonly OutgoingMessageTo[],
): BusError | undefined {
  if (row === undefined) return new BusError(`unknown topic ${topic}`, 'protocol', false);
  if (row.compacted !== 1 && messages.some((message) => message.value === null)) {
    return new BusError(`a tombstone needs a compacted topic; ${topic} is not`, 'protocol', false);
  }
  return undefined;
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
 * in WAL mode, and a publish resolves only once its records are on disk. Each topic is a single
 * ordered log (one partition); consumer groups keep their committed offsets in the same file, so
 * a restart resumes where it stopped. One member per group: it is for one process.
 *
 * Durability without blocking: commits run with synchronous=NORMAL (no fsync in the commit, which
 * would stall the whole process, HTTP and consumers included, for every commit), and the WAL is
 * fsynced on libuv's thread pool instead; a write resolves only after an fsync that began after
 * its commit has completed. SQLite itself syncs the WAL before each checkpoint and the database
 * after it, so a checkpoint never loses what an earlier flush had not reached. The WAL is one
 * ordered file, so a flush makes every commit before it durable; consumers are given only
 * records up to the end the last completed flush covered (as Kafka's high watermark), so nothing
 * is derived from, or stored elsewhere for, a record a crash could still take back.
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
  private readonly wal: WalSync;
  /** The fsync running now, and the one queued after it (which covers commits made meanwhile). */
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;
  /** Each topic's end as of the start of the last completed flush: what consumers may read. */
  private readonly durableEnds = new Map<string, number>();
  /** A failed fsync leaves it unknown what is on disk: nothing is acknowledged after one. */
  private syncFailure: BusError | undefined;
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
        topicEnds: StatementSync;
      }
    | undefined;

  constructor(private readonly options: EmbeddedBusOptions) {
    this.events.setMaxListeners(0);
    this.wal = options.syncWal ? { sync: options.syncWal, close: () => Promise.resolve() } : walSyncer();
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
      PRAGMA synchronous = NORMAL;
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
        'SELECT offset, key, value, headers, timestamp FROM bus_messages WHERE topic = ? AND offset >= ? AND offset < ? ORDER BY offset LIMIT ?',
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
      topicEnds: db.prepare('SELECT name, next_offset AS next FROM bus_topics'),
    };
    this.db = db;
  }

  private requireOpen(): NonNullable<EmbeddedBus['statements']> {
    if (this.syncFailure) throw this.syncFailure;
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

  /** Resolves once an fsync of the WAL that began after this call has completed. */
  private durable(): Promise<void> {
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    if (!this.syncing) return this.startSync();
    this.nextSync ??= this.syncing
      .catch(() => undefined)
      .then(() => {
        this.nextSync = undefined;
        return this.startSync();
      });
    return this.nextSync;
  }

  private startSync(): Promise<void> {
    const run = async (): Promise<void> => {
      // The ends before the flush: every commit up to them is in the WAL the flush writes out.
      // Not requireOpen: close() lets the flushes of commits already made finish.
      if (!this.statements) throw new BusError('the embedded bus is closed', 'closed', true);
      const ends = this.statements.topicEnds.all() as { name: string; next: number }[];
      try {
        await this.wal.sync(`${this.options.path}-wal`);
      } catch (error) {
        this.syncFailure = new BusError(
          `cannot flush ${this.options.path}-wal to disk: ${(error as Error).message}; restart once the disk is fixed`,
          'unknown',
          false,
          { cause: error },
        );
        this.options.logger.error('embedded bus fsync failed; refusing all writes until restarted', { error });
        throw this.syncFailure;
      }
      for (const { name, next } of ends) {
        if ((this.durableEnds.get(name) ?? 0) < next) this.durableEnds.set(name, next);
      }
    };
    const running = run().finally(() => {
      if (this.syncing === running) this.syncing = undefined;
    });
    this.syncing = running;
    return running;
  }

  /**
   * Where consumers may read `topic` up to: the end a completed flush covered, flushing first when
   * the file holds more (written by this bus a moment ago, or by another process).
   */
  private async readableEnd(topic: string): Promise<number> {
    const end = this.topicEnd(topic);
    // The flush running now may already cover `end`; if not, the next one (which starts after
    // this read) does.
    while ((this.durableEnds.get(topic) ?? 0) < end) await (this.syncing ?? this.durable());
    return end;
  }

  /**
   * One partition per topic here; an explicit partition in a message is therefore ignored.
   * Group commit: the publishes of one turn of the event loop are written in one transaction, and
   * each resolves only once a flush of the WAL after that commit is on disk (see the class).
   * A publish that cannot be written (an unknown topic) fails alone, refused before any of its rows.
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
      const statements = this.requireOpen();
      db.exec('BEGIN IMMEDIATE');
      try {
        const now = Date.now();
        // Each topic's row read and written once per commit, not once per publish.
        const ends = new Map<string, { next: number; compacted: number } | undefined>();
        for (const publish of batch) {
          if (!ends.has(publish.topic)) ends.set(publish.topic, this.topicRowOrNone(publish.topic));
          const end = ends.get(publish.topic);
          // A publish that cannot be written is refused before any of its rows is, so the others
          // need no savepoint around theirs.
          const refusal = refusalOf(publish.topic, end, publish.messages);
          if (refusal) {
            publish.reject(refusal);
            continue;
          }
          if (!end) continue;
          end.next = this.appendRows(publish.topic, publish.messages, now, end.next, end.compacted === 1);
          written.push(publish);
        }
        for (const [topic, end] of ends) if (end) statements.bumpTopic.run(end.next, topic);
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
    if (written.length === 0) return;
    this.durable().then(
      () => {
        for (const topic of new Set(written.map((publish) => publish.topic))) this.events.emit('published', topic);
        for (const publish of written) publish.resolve();
      },
      (error: unknown) => {
        for (const publish of written) publish.reject(failed(error, 'publish'));
      },
    );
  }

  /**
   * Runs `write` in one immediate transaction, and once it is on disk wakes the consumers of the
   * topics it wrote and resolves.
   */
  private async atomically(what: string, write: () => readonly string[]): Promise<void> {
    const failed = (error: unknown): BusError =>
      error instanceof BusError
        ? error
        : new BusError(`${what} failed: ${(error as Error).message}`, 'unknown', true, { cause: error });
    let written: readonly string[];
    try {
      this.requireOpen();
      const db = this.db as DatabaseSync;
      db.exec('BEGIN IMMEDIATE');
      try {
        written = write();
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      throw failed(error);
    }
    await this.durable().catch((error: unknown) => {
      throw failed(error);
    });
    for (const topic of written) this.events.emit('published', topic);
  }

  /** Inside a transaction. A compacted topic keeps only each key's latest message, and none after a tombstone. */
  private append(topic: string, messages: readonly OutgoingMessageTo[], now: number): void {
    const end = this.topicRowOrNone(topic);
    const refusal = refusalOf(topic, end, messages);
    if (refusal) throw refusal;
    if (!end) return;
    const next = this.appendRows(topic, messages, now, end.next, end.compacted === 1);
    this.requireOpen().bumpTopic.run(next, topic);
  }

  private topicRowOrNone(topic: string): { next: number; compacted: number } | undefined {
    return this.requireOpen().topicOffset.get(topic) as { next: number; compacted: number } | undefined;
  }

  /** Inside a transaction, messages refusalOf accepted, from `offset` on; returns the topic's new end. */
  private appendRows(
    topic: string,
    messages: readonly OutgoingMessageTo[],
    now: number,
    offset: number,
    compacted: boolean,
  ): number {
    const statements = this.requireOpen();
    let next = offset;
    for (const message of messages) {
      if (message.value === null) {
        statements.dropOlderWithKey.run(topic, message.key, next);
        continue;
      }
      statements.insertMessage.run(topic, next, message.key, message.value, JSON.stringify(message.headers ?? {}), now);
      if (compacted) statements.dropOlderWithKey.run(topic, message.key, next);
      next += 1;
    }
    return next;
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
        const end = await this.readableEnd(topic);
        if (end <= from || isStopped()) continue;
        const rows = statements.readMessages.all(
          topic,
          from,
          end,
          options.eachBatch ? BATCH : 1,
        ) as unknown as MessageRow[];
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

  async readAll(topic: string): Promise<IncomingMessage[]> {
    const end = await this.readableEnd(topic);
    const rows = this.requireOpen().readAll.all(topic, end) as unknown as MessageRow[];
    return rows.map((row) => toIncoming(topic, row));
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
    await Promise.allSettled([this.syncing, this.nextSync]);
    await this.wal.close();
    this.db?.close();
    this.db = undefined;
    this.statements = undefined;
  }
}
