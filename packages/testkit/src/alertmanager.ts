import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, type SpawnedProcess } from './spawned-process.js';

export interface RunningAlertmanager {
  readonly url: string;
  readonly logFile: string;
  /** Its process id (benchmarks read its CPU time from /proc). */
  readonly pid: number;
  /** Posts alerts through Alertmanager's own API v2, as Prometheus does. */
  postAlerts(alerts: readonly AlertmanagerApiAlert[]): Promise<void>;
  /** Alertmanager's own /metrics, for asserting on its notification counters. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export interface AlertmanagerApiAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) with the given configuration YAML,
 * clustering off, on a free loopback port; a watchdog kills it (and removes its directory) if
 * this process dies first.
 */
export async function startAlertmanager(
  configYaml: string,
  options: { readonly logLevel?: 'debug' | 'info' | 'warn' } = {},
): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  const logFile = join(dir, 'alertmanager.log');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: SpawnedProcess;
  try {
    child = await startProcess({
      name: 'Alertmanager',
      command: process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager',
      args: [
        `--config.file=${configFile}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        // Debug by default: tests read what it did from the log. A benchmark asks for less.
        `--log.level=${options.logLevel ?? 'debug'}`,
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

  return {
    url,
    logFile,
    pid: child.pid,
    postAlerts: async (alerts) => {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!response.ok) throw new Error(`Alertmanager refused alerts: ${response.status} ${await response.text()}`);
    },
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    close,
  };
}
