import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';

/** The machine's Java, or JAVA_HOME's. */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's Uuid prints them. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `kafka.tools.StorageTool format` with these arguments; rejects with its output when it fails. */
export function formatKafkaStorage(classpath: string, args: readonly string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const format = spawn(javaCommand(), ['-cp', classpath, 'kafka.tools.StorageTool', 'format', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    format.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    format.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    format.on('error', reject);
    format.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kafka storage format failed (${code}): ${output}`)),
    );
  });
}

/** A broker JVM's arguments: small serial-GC heap and C1 only, which start fast on a small machine. */
export function kafkaServerArgs(
  classpath: string,
  properties: string,
  heapMb: number,
  initialHeapMb: number,
): string[] {
  return [
    `-Xms${Math.min(initialHeapMb, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-cp',
    classpath,
    'kafka.Kafka',
    properties,
  ];
}
