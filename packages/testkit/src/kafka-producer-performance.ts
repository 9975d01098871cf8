import { spawn } from 'node:child_process';
import { ensureKafkaToolsJars, KAFKA_VERSION } from './kafka-jars.js';
import { javaCommand } from './kafka-jvm.js';

export interface ProducerPerformanceOptions {
  readonly bootstrap: string;
  readonly topic: string;
  readonly records: number;
  /** Records per second; -1 for as fast as it goes. */
  readonly throughput: number;
  /** Newline-separated record values, sent in turn (the records' real sizes). */
  readonly payloadFile: string;
  /** Producer properties, `acks=all` and friends. */
  readonly producerProps?: Readonly<Record<string, string>>;
  readonly version?: string;
  readonly heapMb?: number;
  /** Called with the JVM's pid once it runs, to read its CPU time while it works. */
  readonly onStart?: (pid: number) => void;
}

export interface ProducerPerformanceResult {
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly avgMs: number;
  readonly maxMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
}

// Its summary line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P ms 50th, ..."
const SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/;

/**
 * Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance from kafka-tools, of
 * the broker's version, fetched from Maven Central): the physical limit of a topic on this
 * machine. Latency there is from send() to the acknowledgement of each record.
 */
export async function runProducerPerformance(options: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> {
  const libs = await ensureKafkaToolsJars(options.version ?? KAFKA_VERSION);
  const props = { 'bootstrap.servers': options.bootstrap, ...options.producerProps };
  const args = [
    `-Xmx${options.heapMb ?? 512}m`,
    '-cp',
    `${libs}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--throughput',
    String(options.throughput),
    '--payload-file',
    options.payloadFile,
    '--producer-props',
    ...Object.entries(props).map(([name, value]) => `${name}=${value}`),
  ];
  const child = spawn(javaCommand(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onStart?.(child.pid);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const match = SUMMARY.exec(out.trim().split('\n').at(-1) ?? '');
  if (code !== 0 || !match) {
    throw new Error(`ProducerPerformance failed (exit ${code}): ${out.slice(-2000)}\n${err.slice(-2000)}`);
  }
  const [, records, rate, avg, max, p50, p95, p99, p999] = match.map(Number);
  return {
    records: records ?? 0,
    recordsPerSecond: rate ?? 0,
    avgMs: avg ?? 0,
    maxMs: max ?? 0,
    p50Ms: p50 ?? 0,
    p95Ms: p95 ?? 0,
    p99Ms: p99 ?? 0,
    p999Ms: p999 ?? 0,
  };
}
