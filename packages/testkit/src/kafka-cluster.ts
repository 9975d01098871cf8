import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { canConnect, formatKafkaStorage, javaCommand, kafkaClusterId, kafkaServerArgs } from './kafka-jvm.js';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka-jars.js';
import { describePartitions, type PartitionMetadata } from './kafka-metadata.js';
import { startProcess, type SpawnedProcess } from './spawned-process.js';

export interface KafkaClusterOptions {
  readonly version?: string;
  /** Per broker; default 320 MB: three of them run beside PostgreSQL and Sitrep on a small machine. */
  readonly heapMb?: number;
  readonly host?: string;
  readonly startTimeoutMs?: number;
}

/** One broker of the cluster (each is also one of the three controllers). */
export interface KafkaClusterNode {
  readonly nodeId: number;
  /** `host:port` of this broker alone. */
  readonly bootstrap: string;
  readonly logFile: string;
  /** Its JVM is alive (paused counts as running). */
  readonly running: boolean;
  /** Starts it again on the same data and ports; resolves once it serves clients. */
  start(): Promise<void>;
  /** Graceful: a controlled shutdown that moves its leaderships away first. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing flushed, no leadership handed over. */
  kill9(): Promise<void>;
  /** SIGSTOP: alive to the kernel, silent to the cluster, until resume(). */
  pause(): void;
  resume(): void;
}

export interface KafkaCluster {
  /** Every broker, comma-separated: what KAFKA_BROKERS takes. */
  readonly bootstrap: string;
  readonly nodes: readonly KafkaClusterNode[];
  node(nodeId: number): KafkaClusterNode;
  /** A topic's partitions as a running broker describes them. */
  describe(topic: string): Promise<PartitionMetadata[]>;
  /** The node id leading a partition, or undefined while none does. */
  leaderOf(topic: string, partition: number): Promise<number | undefined>;
  /** Stops every broker and deletes the cluster's data. */
  close(): Promise<void>;
}

const NODE_IDS = [1, 2, 3] as const;

interface NodePorts {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
}

function serverProperties(host: string, self: NodePorts, all: readonly NodePorts[], logDirs: string): string {
  return [
    'process.roles=broker,controller',
    `node.id=${self.nodeId}`,
    `listeners=PLAINTEXT://${host}:${self.port},CONTROLLER://${host}:${self.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${self.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    // A static quorum of the three: every node formats alike, no voter to add at run time.
    `controller.quorum.voters=${all.map((node) => `${node.nodeId}@${host}:${node.controllerPort}`).join(',')}`,
    `log.dirs=${logDirs}`,
    // What production runs: three copies, an acknowledged write on at least two of them.
    'default.replication.factor=3',
    'min.insync.replicas=2',
    'offsets.topic.replication.factor=3',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=3',
    'transaction.state.log.min.isr=2',
    'share.coordinator.state.topic.replication.factor=3',
    'share.coordinator.state.topic.min.isr=2',
    'unclean.leader.election.enable=false',
    // Faults are detected in seconds rather than the defaults' tens of seconds, so a suite that
    // kills brokers recovers quickly; still loose enough for a busy two-core machine.
    'broker.heartbeat.interval.ms=1000',
    'broker.session.timeout.ms=6000',
    'replica.lag.time.max.ms=10000',
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=1',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

/**
 * Three real Apache Kafka brokers (KRaft, each broker and controller) in child JVMs on
 * loopback, replication 3 and min.insync.replicas 2, for fault tests: any broker can be killed,
 * stopped, paused and restarted on its data. Each JVM runs under startProcess, whose watchdog
 * kills it if this process dies without close(), so crashed runs leave no broker behind.
 */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const host = options.host ?? '127.0.0.1';
  const libs = await ensureKafkaJars(options.version ?? KAFKA_VERSION);
  const classpath = `${libs}/*`;
  const java = javaCommand();
  const heap = options.heapMb ?? 320;
  const root = mkdtempSync(join(tmpdir(), 'sitrep-kafka-cluster-'));
  const ports: NodePorts[] = [];
  for (const nodeId of NODE_IDS)
    ports.push({ nodeId, port: await freePort(host), controllerPort: await freePort(host) });
  const id = kafkaClusterId();

  const nodes: ClusterNode[] = [];
  try {
    for (const self of ports) {
      const dir = join(root, `node-${self.nodeId}`);
      mkdirSync(dir, { recursive: true });
      const properties = join(dir, 'server.properties');
      writeFileSync(properties, serverProperties(host, self, ports, join(dir, 'data')));
      await formatKafkaStorage(classpath, ['-t', id, '-c', properties]);
      nodes.push(
        new ClusterNode({
          nodeId: self.nodeId,
          host,
          port: self.port,
          logFile: join(dir, 'broker.log'),
          args: kafkaServerArgs(classpath, properties, heap, 128),
          java,
          root,
          startTimeoutMs: options.startTimeoutMs ?? 120_000,
        }),
      );
    }
    // Together: a controller waits for a majority of the quorum before it reports started.
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await Promise.allSettled(nodes.map((node) => node.stop()));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  const describe = (topic: string): Promise<PartitionMetadata[]> =>
    describePartitions(
      nodes.filter((node) => node.running).map((node) => node.bootstrap),
      topic,
    );
  return {
    bootstrap: nodes.map((node) => node.bootstrap).join(','),
    nodes,
    node: (nodeId) => {
      const found = nodes.find((node) => node.nodeId === nodeId);
      if (!found) throw new Error(`no Kafka node ${nodeId} (nodes are ${NODE_IDS.join(', ')})`);
      return found;
    },
    describe,
    leaderOf: async (topic, partition) => {
      const leader = (await describe(topic)).find((entry) => entry.partition === partition)?.leader;
      return leader === undefined || leader < 0 ? undefined : leader;
    },
    close: async () => {
      await Promise.allSettled(nodes.map((node) => node.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

interface ClusterNodeSettings {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly java: string;
  readonly args: readonly string[];
  /** The cluster's folder, removed by the watchdog of the last JVM if this process dies first. */
  readonly root: string;
  readonly startTimeoutMs: number;
}

class ClusterNode implements KafkaClusterNode {
  private jvm: SpawnedProcess | undefined;
  private paused = false;

  constructor(private readonly settings: ClusterNodeSettings) {}

  get nodeId(): number {
    return this.settings.nodeId;
  }

  get bootstrap(): string {
    return `${this.settings.host}:${this.settings.port}`;
  }

  get logFile(): string {
    return this.settings.logFile;
  }

  get running(): boolean {
    return this.jvm?.running ?? false;
  }

  async start(): Promise<void> {
    if (this.jvm?.running) return;
    const { host, port, nodeId } = this.settings;
    this.jvm = await startProcess({
      name: `Kafka node ${nodeId} on ${host}:${port}`,
      command: this.settings.java,
      args: this.settings.args,
      logFile: this.settings.logFile,
      readyOutput: 'Kafka Server started',
      ready: () => canConnect(host, port),
      readyTimeoutMs: this.settings.startTimeoutMs,
      // A controlled shutdown takes seconds; one stuck (no quorum left to answer it) is killed.
      killAfterMs: 20_000,
      orphanRemoves: this.settings.root,
    });
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.resume();
    await this.jvm?.stop();
  }

  async kill9(): Promise<void> {
    const jvm = this.jvm;
    if (!jvm?.running) return;
    process.kill(jvm.pid, 'SIGKILL');
    await jvm.exited;
    this.paused = false;
    // Lets its watchdog go.
    await jvm.stop();
  }

  pause(): void {
    if (!this.jvm?.running || this.paused) return;
    process.kill(this.jvm.pid, 'SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.jvm?.running || !this.paused) return;
    process.kill(this.jvm.pid, 'SIGCONT');
    this.paused = false;
  }
}
