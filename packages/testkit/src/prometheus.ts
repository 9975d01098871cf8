import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, type SpawnedProcess } from './spawned-process.js';

/** One series a test puts into Prometheus, with the samples it wants queried back. */
export interface PrometheusSeries {
  /** Metric name, recording-rule names included (`auth:error_ratio`). */
  readonly metric: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [Date, number])[];
}

export interface RunningPrometheus {
  readonly url: string;
  readonly logFile: string;
  close(): Promise<void>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeLabelValue = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * The series as OpenMetrics text for promtool: each metric family contiguous, as the format
 * requires, and each series' samples in time order, because promtool silently drops a sample
 * older than the one before it.
 */
function openMetricsText(series: readonly PrometheusSeries[]): string {
  const families = new Map<string, PrometheusSeries[]>();
  for (const one of series) {
    if (!METRIC_NAME.test(one.metric)) throw new Error(`invalid metric name: ${one.metric}`);
    for (const name of Object.keys(one.labels ?? {})) {
      if (!LABEL_NAME.test(name)) throw new Error(`invalid label name: ${name}`);
    }
    families.set(one.metric, [...(families.get(one.metric) ?? []), one]);
  }
  const lines: string[] = [];
  for (const [metric, members] of families) {
    lines.push(`# TYPE ${metric} gauge`);
    for (const { labels = {}, samples } of members) {
      const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
      const selector = pairs.length === 0 ? metric : `${metric}{${pairs.join(',')}}`;
      const ordered = [...samples].sort(([a], [b]) => a.getTime() - b.getTime());
      for (const [at, value] of ordered) lines.push(`${selector} ${formatValue(value)} ${at.getTime() / 1000}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

export interface PrometheusOptions {
  /**
   * Series backfilled with `promtool tsdb create-blocks-from openmetrics` before it starts. With
   * no scrape targets the head stays empty, so they may hold any time, past or future.
   */
  readonly series?: readonly PrometheusSeries[];
  /** prometheus.yml; default: scrape nothing. Relative paths in it resolve in its own directory. */
  readonly config?: string;
  /** More files next to the config (rule files), by name. */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * A real Prometheus (Debian's prometheus) on a free loopback port: fed with backfilled series a
 * test controls, or scraping and alerting as configured. A watchdog kills it and removes its
 * directory if this process dies first.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-prometheus-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'prometheus.log');
  const configFile = join(dir, 'prometheus.yml');
  try {
    if (options.series && options.series.length > 0) {
      const input = join(dir, 'series.om');
      writeFileSync(input, openMetricsText(options.series));
      const backfill = spawnSync(
        process.env.PROMTOOL_BIN ?? 'promtool',
        ['tsdb', 'create-blocks-from', 'openmetrics', input, data],
        { encoding: 'utf8' },
      );
      if (backfill.error) throw backfill.error;
      if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr}${backfill.stdout}`);
    }
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
    writeFileSync(configFile, options.config ?? 'global:\n  scrape_interval: 1m\n');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: SpawnedProcess;
  try {
    child = await startProcess({
      name: 'Prometheus',
      command: process.env.PROMETHEUS_BIN ?? 'prometheus',
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${data}`,
        // The default 15 days would delete blocks of series a test dates further back.
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      logFile,
      ready: async () => (await fetch(`${url}/-/ready`)).ok,
      orphanRemoves: dir,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const close = async (): Promise<void> => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, logFile, close };
}
