// The receivers the comparison loads: Alertmanager's own API (the anchor) and Sitrep started as
// its own process, on Kafka or on the embedded bus. Each start gives a fresh instance (its own
// topics or data directory), so rounds do not inherit each other's state.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import kafkajs from 'kafkajs';
import { topicNames } from '@sitrep/contracts';
import { freePort, startAlertmanager, uniqueName, waitFor } from '@sitrep/testkit';

export interface RunningReceiver {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodies: 'webhook' | 'postable';
  /** The receiver's process, for its CPU time. */
  readonly pid: number;
  /** Alerts it stored durably (records on its alerts topic; for Alertmanager, alerts it received). */
  stored(): Promise<number>;
  stop(): Promise<void>;
}

export interface Receiver {
  readonly name: string;
  readonly usesBroker: boolean;
  start(): Promise<RunningReceiver>;
}

const ALERTMANAGER_CONFIG = `route:
  receiver: blackhole
  group_by: [alertname, service]
receivers:
  - name: blackhole
`;

export function alertmanagerReceiver(): Receiver {
  return {
    name: 'Alertmanager 0.25 POST /api/v2/alerts',
    usesBroker: false,
    start: async () => {
      const am = await startAlertmanager(ALERTMANAGER_CONFIG, { logLevel: 'warn' });
      return {
        url: `${am.url}/api/v2/alerts`,
        headers: { 'Content-Type': 'application/json' },
        bodies: 'postable',
        pid: am.pid,
        stored: async () => {
          // Every alert its API validated and put in its store, firing ones as these all are.
          const text = await am.metrics();
          const lines = text.matchAll(/^alertmanager_alerts_received_total\{[^}]*status="firing"[^}]*\} (\S+)$/gm);
          return [...lines].reduce((sum, line) => sum + Number(line[1]), 0);
        },
        stop: () => am.close(),
      };
    },
  };
}

interface SitrepOptions {
  readonly name: string;
  /** The checkout whose `packages/cli/bin/sitrep.js` runs (another one for a "before" build). */
  readonly root: string;
  readonly kafka?: string;
  /** Writes a .cpuprofile of the Sitrep process here. */
  readonly cpuProfileDir?: string;
  readonly logDir: string;
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((done) => child.once('exit', done));
}

/**
 * `sitrep start` as its own process. On Kafka: alert-ingest alone (no correlator, no recorder),
 * 6 partitions, acks=all, as bench:ingest runs it. Without: what `npm start` runs, its embedded
 * defaults (ingest with its correlator and the recorder, SQLite bus and store, info logs).
 */
export function sitrepReceiver(options: SitrepOptions): Receiver {
  return {
    name: options.name,
    usesBroker: options.kafka !== undefined,
    start: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sitrep-compare-'));
      const port = await freePort();
      const token = uniqueName('compare-token-0123456789');
      const prefix = `${uniqueName('compare')}.`;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SITREP_DATA_DIR: dataDir,
        SITREP_INGEST_PORT: String(port),
        SITREP_INGEST_BEARER_TOKEN: token,
      };
      if (options.kafka) {
        Object.assign(env, {
          KAFKA_BROKERS: options.kafka,
          SITREP_SERVICES: 'ingest',
          SITREP_CORRELATOR: 'disabled',
          SITREP_TOPIC_PREFIX: prefix,
          SITREP_TOPIC_PARTITIONS: '6',
          SITREP_LOG_LEVEL: 'warn',
        });
      } else {
        Object.assign(env, {
          SITREP_RECORDER_PORT: String(await freePort()),
          SITREP_UI_PORT: String(await freePort()),
        });
      }
      const log = openSync(join(options.logDir, `${prefix}log`), 'a');
      const child = spawn(
        process.execPath,
        [
          '--disable-warning=ExperimentalWarning',
          ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
          resolve(options.root, 'packages/cli/bin/sitrep.js'),
          'start',
        ],
        { cwd: options.root, env, stdio: ['ignore', log, log] },
      );
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitFor(
          async () => {
            if (child.exitCode !== null) throw new Error(`sitrep exited with ${child.exitCode}; see ${options.logDir}`);
            return (await fetch(`${url}/readyz`)).ok;
          },
          { timeoutMs: 90_000, description: `${options.name} ready` },
        );
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
      const alertsTopic = topicNames(options.kafka ? prefix : undefined).alerts;
      return {
        url: `${url}/api/v1/alertmanager`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        bodies: 'webhook',
        pid: child.pid ?? 0,
        stored: async () => {
          if (options.kafka) return kafkaRecords(options.kafka, alertsTopic);
          const db = new DatabaseSync(join(dataDir, 'bus.sqlite'), { readOnly: true });
          try {
            const row = db.prepare('SELECT COUNT(*) AS n FROM bus_messages WHERE topic = ?').get(alertsTopic) as {
              n: number;
            };
            return row.n;
          } finally {
            db.close();
          }
        },
        stop: async () => {
          child.kill('SIGTERM');
          await exited(child);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Runs `work` with a Kafka admin client on `brokers`, disconnected after. */
async function withAdmin<T>(brokers: string, work: (admin: kafkajs.Admin) => Promise<T>): Promise<T> {
  const kafka = new kafkajs.Kafka({
    brokers: [brokers],
    clientId: 'bench-compare',
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Records on a topic: the sum of its partitions' high watermarks (acks=all, so all committed). */
export function kafkaRecords(brokers: string, topic: string): Promise<number> {
  return withAdmin(brokers, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  });
}

export async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  await withAdmin(brokers, (admin) =>
    admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }),
  );
}
