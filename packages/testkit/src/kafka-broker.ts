import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka-jars.js';
import { freePort } from './free-port.js';
import { canConnect, formatKafkaStorage, javaCommand, kafkaClusterId, kafkaServerArgs } from './kafka-jvm.js';
import { startProcess, type SpawnedProcess } from './spawned-process.js';

export interface KafkaBrokerOptions {
  readonly version?: string;
  readonly heapMb?: number;
  /** Keeps data here (and across runs) instead of a temporary folder removed on close(). */
  readonly dataDir?: string;
  readonly port?: number;
  readonly host?: string;
  readonly startTimeoutMs?: number;
  /** A second listener, SASL over TLS, beside the PLAINTEXT one (which the controller also uses). */
  readonly saslSsl?: KafkaSaslSslListener;
}

/** A SASL_SSL listener offering PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for the same users. */
export interface KafkaSaslSslListener {
  /** PKCS#12 keystore with the broker's key and certificate (createKafkaTestCertificates). */
  readonly keystoreFile: string;
  readonly keystorePassword: string;
  /**
   * SCRAM credentials are created when the storage is formatted, so a broker kept in `dataDir`
   * knows only the SCRAM users of its first start; PLAIN users are read at every start.
   */
  readonly users: readonly { readonly username: string; readonly password: string }[];
  readonly port?: number;
}

export interface KafkaBroker {
  /** `host:port`, what KAFKA_BROKERS takes. */
  readonly bootstrap: string;
  /** `host:port` of the SASL_SSL listener, when one was asked for. */
  readonly saslSslBootstrap: string | undefined;
  readonly logFile: string;
  readonly running: boolean;
  /** The JVM's process id while it runs (benchmarks read its CPU time from /proc). */
  readonly pid: number | undefined;
  /** Stops the JVM, keeping its data, so start() brings back the same broker. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and, for a temporary broker, deletes its data. */
  close(): Promise<void>;
}

const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** Properties of the SASL_SSL listener: TLS from the keystore, then one JAAS entry per mechanism. */
function saslSslProperties(listener: KafkaSaslSslListener): string[] {
  const prefix = 'listener.name.sasl_ssl';
  const plainUsers = listener.users.map((user) => `user_${user.username}="${user.password}"`).join(' ');
  return [
    `${prefix}.ssl.keystore.type=PKCS12`,
    `${prefix}.ssl.keystore.location=${listener.keystoreFile}`,
    `${prefix}.ssl.keystore.password=${listener.keystorePassword}`,
    `${prefix}.ssl.key.password=${listener.keystorePassword}`,
    `${prefix}.ssl.client.auth=none`,
    `${prefix}.sasl.enabled.mechanisms=${SASL_MECHANISMS.join(',')}`,
    `${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    `${prefix}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `${prefix}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
  ];
}

/** What the StorageTool's `[name=...,password=...]` and a JAAS option both carry unescaped. */
const PLAIN_WORD = /^[A-Za-z0-9._-]+$/;

/** StorageTool arguments creating every user for both SCRAM mechanisms. */
function scramArguments(listener: KafkaSaslSslListener | undefined): string[] {
  return (listener?.users ?? []).flatMap((user) => {
    if (!PLAIN_WORD.test(user.username) || !PLAIN_WORD.test(user.password)) {
      throw new Error(`test Kafka users need plain names and passwords (${PLAIN_WORD.source})`);
    }
    return (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${user.username},password=${user.password}]`,
    ]);
  });
}

function serverProperties(
  host: string,
  ports: { readonly port: number; readonly controllerPort: number; readonly saslSslPort: number | undefined },
  logDirs: string,
  saslSsl: KafkaSaslSslListener | undefined,
): string {
  const { port, controllerPort, saslSslPort } = ports;
  const secured = saslSsl && saslSslPort !== undefined ? `,SASL_SSL://${host}:${saslSslPort}` : '';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}${secured}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}${secured}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secured ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(saslSsl ? saslSslProperties(saslSsl) : []),
    'inter.broker.listener.name=PLAINTEXT',
    `controller.quorum.bootstrap.servers=${host}:${controllerPort}`,
    `log.dirs=${logDirs}`,
    // One broker: internal topics cannot have more replicas than that.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests join groups constantly; the default 3 s delay would only slow them down.
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=1',
    // Sitrep creates its topics itself; a typo'd topic should fail, not appear.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller) in a child JVM on loopback,
 * started with startProcess, whose watchdog kills the JVM if this process dies without calling
 * close(), so crashed test runs leave no broker behind.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const version = options.version ?? KAFKA_VERSION;
  const host = options.host ?? '127.0.0.1';
  const libs = await ensureKafkaJars(version);
  const temporary = options.dataDir === undefined;
  const root = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sitrep-kafka-'));
  mkdirSync(root, { recursive: true });
  const port = options.port ?? (await freePort(host));
  const controllerPort = await freePort(host);
  const saslSslPort = options.saslSsl ? (options.saslSsl.port ?? (await freePort(host))) : undefined;
  const logDirs = join(root, 'data');
  const properties = join(root, 'server.properties');
  const logFile = join(root, 'broker.log');
  writeFileSync(properties, serverProperties(host, { port, controllerPort, saslSslPort }, logDirs, options.saslSsl));
  const classpath = `${libs}/*`;
  const heap = options.heapMb ?? 512;

  if (!existsSync(join(logDirs, 'meta.properties'))) {
    await formatKafkaStorage(classpath, [
      '--standalone',
      '-t',
      kafkaClusterId(),
      '-c',
      properties,
      ...scramArguments(options.saslSsl),
    ]);
  }

  let jvm: SpawnedProcess | undefined;

  const start = async (): Promise<void> => {
    if (jvm?.running) return;
    jvm = await startProcess({
      name: `Kafka on ${host}:${port}`,
      command: javaCommand(),
      args: kafkaServerArgs(classpath, properties, heap, 256),
      logFile,
      readyOutput: 'Kafka Server started',
      ready: () => canConnect(host, port),
      readyTimeoutMs: options.startTimeoutMs ?? 90_000,
      ...(temporary ? { orphanRemoves: root } : {}),
    });
  };

  const stop = async (): Promise<void> => {
    await jvm?.stop();
  };

  await start();
  return {
    bootstrap: `${host}:${port}`,
    saslSslBootstrap: saslSslPort === undefined ? undefined : `${host}:${saslSslPort}`,
    logFile,
    get running() {
      return jvm?.running ?? false;
    },
    get pid() {
      return jvm?.running ? jvm.pid : undefined;
    },
    start,
    stop,
    close: async () => {
      await stop();
      if (temporary) rmSync(root, { recursive: true, force: true });
    },
  };
}
