import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topicNames, type TopicNames } from '@sitrep/contracts';
import { freePort, startKafkaCluster, startPostgres, type KafkaCluster, type RunningPostgres } from '@sitrep/testkit';
import { ManagedProcess } from './managed-process.js';

const SITREP_BIN = fileURLToPath(new URL('../../packages/cli/bin/sitrep.js', import.meta.url));

/**
 * Short windows so that faults resolve within the suite's minutes: a scenario's incident is
 * resolved 3 s after its last alert resolved. No dependencies: every scenario is its own service
 * and so its own incident.
 */
export const CORRELATION_FILE = `windows:
  group: 30s
  quiet_period: 3s
  reopen: 1m
`;

export interface Topology {
  readonly cluster: KafkaCluster;
  readonly postgres: RunningPostgres;
  readonly databaseUrl: string;
  readonly topics: TopicNames;
  readonly topicPrefix: string;
  readonly correlationFile: string;
  /** The two alert-ingest processes webhooks go to (no correlator in them). */
  readonly ingests: readonly SitrepNode[];
  /** alert-ingest with the correlator: it gets no webhooks, only the alerts topic. */
  readonly correlator: SitrepNode;
  readonly recorder: SitrepNode;
  readonly ingestToken: string;
  readonly apiToken: string;
  readonly workDir: string;
  /** Which processes run, and the last lines of each one's log. */
  describe(): string;
  /** Stops everything; the work dir (logs) stays when `keep` or SITREP_FAULTS_KEEP is set. */
  close(keep?: boolean): Promise<void>;
}

export interface SitrepNode {
  readonly name: string;
  readonly url: string;
  readonly process: ManagedProcess;
}

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => `    ${line.slice(0, 400)}`)
      .join('\n');
  } catch {
    return '    (no log)';
  }
}

async function sitrepNode(name: string, env: Record<string, string>, workDir: string): Promise<SitrepNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const isRecorder = env.SITREP_SERVICES === 'recorder';
  const managed = new ManagedProcess(name, {
    name: `sitrep start (${name})`,
    command: process.execPath,
    args: ['--disable-warning=ExperimentalWarning', SITREP_BIN, 'start'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      SITREP_DATA_DIR: join(workDir, name),
      [isRecorder ? 'SITREP_RECORDER_PORT' : 'SITREP_INGEST_PORT']: String(port),
    },
    logFile: join(workDir, `${name}.log`),
    ready: async () => (await fetch(`${url}/readyz`)).ok,
    readyTimeoutMs: 90_000,
    readyIntervalMs: 200,
    killAfterMs: 10_000,
  });
  await managed.start();
  return { name, url, process: managed };
}

/**
 * The production shape on one machine: three Kafka brokers, two alert-ingest processes taking
 * webhooks, a separate correlator, and the recorder on PostgreSQL, each its own `sitrep start`.
 */
export async function startTopology(): Promise<Topology> {
  const workDir = mkdtempSync(join(tmpdir(), 'sitrep-faults-'));
  const cleanups: (() => Promise<void>)[] = [];
  const close = async (keep = false): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!keep && !process.env.SITREP_FAULTS_KEEP) rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const [cluster, postgres] = await Promise.all([startKafkaCluster(), startPostgres()]);
    cleanups.push(
      () => cluster.close(),
      () => postgres.close(),
    );
    const databaseUrl = postgres.createDatabase('sitrep_faults');
    const correlationFile = join(workDir, 'correlation.yml');
    writeFileSync(correlationFile, CORRELATION_FILE);
    const topicPrefix = `faults-${randomBytes(3).toString('hex')}.`;
    const ingestToken = randomBytes(16).toString('hex');
    const apiToken = randomBytes(16).toString('hex');
    const common = {
      KAFKA_BROKERS: cluster.bootstrap,
      SITREP_TOPIC_PREFIX: topicPrefix,
      SITREP_TOPIC_PARTITIONS: '3',
      SITREP_PUBLISH_TIMEOUT_MS: '4000',
      SITREP_SHUTDOWN_TIMEOUT_MS: '3000',
      SITREP_RETRY_AFTER_SECONDS: '1',
      SITREP_CORRELATION_CONFIG: correlationFile,
      SITREP_INGEST_BEARER_TOKEN: ingestToken,
      SITREP_API_TOKEN: apiToken,
    };
    const nodes: SitrepNode[] = [];
    const add = async (name: string, env: Record<string, string>): Promise<SitrepNode> => {
      const node = await sitrepNode(name, { ...common, ...env }, workDir);
      nodes.push(node);
      cleanups.push(() => node.process.stop());
      return node;
    };
    // The recorder first: it creates the topics at replication 3 (the brokers' default).
    const recorder = await add('recorder', { SITREP_SERVICES: 'recorder', SITREP_DATABASE_URL: databaseUrl });
    const correlator = await add('correlator', { SITREP_SERVICES: 'ingest', SITREP_CORRELATOR: 'enabled' });
    const ingests = [
      await add('ingest-a', { SITREP_SERVICES: 'ingest', SITREP_CORRELATOR: 'disabled' }),
      await add('ingest-b', { SITREP_SERVICES: 'ingest', SITREP_CORRELATOR: 'disabled' }),
    ];
    return {
      cluster,
      postgres,
      databaseUrl,
      topics: topicNames(topicPrefix),
      topicPrefix,
      correlationFile,
      ingests,
      correlator,
      recorder,
      ingestToken,
      apiToken,
      workDir,
      describe: () =>
        [
          ...nodes.map(({ process: node }) => ({ name: node.name, running: node.running, logFile: node.logFile })),
          ...cluster.nodes.map((node) => ({
            name: `kafka-${node.nodeId}`,
            running: node.running,
            logFile: node.logFile,
          })),
        ]
          .map((entry) => `${entry.name}: ${entry.running ? 'running' : 'NOT RUNNING'}\n${tail(entry.logFile)}`)
          .join('\n'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
