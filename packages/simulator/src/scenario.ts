import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startAlertmanager, startPrometheus, waitFor } from '@sitrep/testkit';
import { alertmanagerConfig, compressedRules, CORRELATION_CONFIG, prometheusConfig } from './monitoring-config.js';
import { startSimulator, MISCONFIGURED_WEIGHTS } from './server.js';
import { startSitrepProcess, type SitrepProcess } from './sitrep-process.js';

export interface ScenarioOptions {
  /** Kafka with ingest and recorder as two processes; without, one process on the embedded bus. */
  readonly kafkaBrokers?: string;
  /** How long the balancer stays misconfigured once every symptom has fired. */
  readonly holdSeconds?: number;
  readonly log?: (line: string) => void;
  readonly timing?: { readonly scrapeSeconds: number; readonly forSeconds: number; readonly rateWindowSeconds: number };
}

export interface IncidentView {
  readonly id: string;
  readonly status: string;
  readonly services: string[];
  readonly signals: string[];
  readonly severity: string;
  readonly moments: Record<string, string | null>;
  readonly durations: Record<string, number | null>;
  readonly probableCause: { rank: number; signal: string; service: string; reason: string }[];
  readonly changes: { summary: string }[];
}

export interface ScenarioResult {
  readonly misconfiguredAt: Date;
  readonly restoredAt: Date;
  readonly incidents: { id: string; services: string[] }[];
  readonly incident: IncidentView;
  readonly timeline: { at: string; kind: string; source: string; text: string; author: string | null }[];
  readonly postmortem: string;
  readonly workDir: string;
}

export const DEFAULT_TIMING = { scrapeSeconds: 1, forSeconds: 5, rateWindowSeconds: 10 };

/**
 * The load-balancer outage, live: the simulator's balancer is misconfigured, real Prometheus
 * alerts on the shipped rules, real Alertmanager notifies Sitrep, and Sitrep's recorder writes
 * the incident; then the balancer is restored and everything resolves. Tears everything down,
 * also on failure.
 */
export async function runOutageScenario(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const timing = options.timing ?? DEFAULT_TIMING;
  const workDir = mkdtempSync(join(tmpdir(), 'sitrep-outage-'));
  const ingestToken = randomBytes(12).toString('hex');
  const apiToken = randomBytes(12).toString('hex');
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const simulator = await startSimulator();
    cleanups.push(() => simulator.close());
    log(`simulator: auth behind auth-lb, 3 backends, metrics at ${simulator.url}/metrics`);

    const [ingestPort, recorderPort] = [await freePort(), await freePort()];
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const recorderUrl = `http://127.0.0.1:${recorderPort}`;
    writeFileSync(join(workDir, 'correlation.yml'), CORRELATION_CONFIG);
    const common = {
      SITREP_DATA_DIR: join(workDir, 'data'),
      SITREP_INGEST_PORT: String(ingestPort),
      SITREP_RECORDER_PORT: String(recorderPort),
      SITREP_INGEST_BEARER_TOKEN: ingestToken,
      SITREP_API_TOKEN: apiToken,
      SITREP_CORRELATION_CONFIG: join(workDir, 'correlation.yml'),
      SITREP_TOPIC_PARTITIONS: '3',
      SITREP_SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const processes: SitrepProcess[] = [];
    if (options.kafkaBrokers) {
      const kafka = {
        ...common,
        KAFKA_BROKERS: options.kafkaBrokers,
        SITREP_TOPIC_PREFIX: `outage-${randomBytes(3).toString('hex')}.`,
      };
      processes.push(
        await startSitrepProcess({ ...kafka, SITREP_SERVICES: 'ingest' }, [ingestUrl], join(workDir, 'ingest.log')),
      );
      processes.push(
        await startSitrepProcess(
          { ...kafka, SITREP_SERVICES: 'recorder' },
          [recorderUrl],
          join(workDir, 'recorder.log'),
        ),
      );
    } else {
      processes.push(await startSitrepProcess(common, [ingestUrl, recorderUrl], join(workDir, 'sitrep.log')));
    }
    for (const sitrep of processes) cleanups.push(() => sitrep.close());
    log(
      `sitrep: alert-ingest ${ingestUrl}, recorder ${recorderUrl} (${options.kafkaBrokers ? 'Kafka' : 'embedded bus'})`,
    );

    const alertmanager = await startAlertmanager(alertmanagerConfig({ ingestUrl, token: ingestToken }));
    cleanups.push(() => alertmanager.close());
    const prometheus = await startPrometheus({
      config: prometheusConfig({
        scrapeSeconds: timing.scrapeSeconds,
        simulator: simulator.url,
        alertmanager: alertmanager.url,
      }),
      files: { 'rules.yml': compressedRules(timing.forSeconds, timing.rateWindowSeconds) },
    });
    cleanups.push(() => prometheus.close());
    log(
      `prometheus ${prometheus.url} (rules from deploy/prometheus, for: ${timing.forSeconds}s) -> alertmanager ${alertmanager.url}`,
    );

    const query = async (expr: string): Promise<number> => {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
      return body.data?.result?.length ?? 0;
    };
    await waitFor(() => query('service:http_error_ratio:rate1m >= 0'), {
      timeoutMs: 60_000,
      description: 'Prometheus to see healthy traffic',
    });
    const api = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${recorderUrl}${path}`, { headers: { authorization: `Bearer ${apiToken}` } });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (response.headers.get('content-type')?.includes('json') ? response.json() : response.text()) as Promise<T>;
    };

    const misconfiguredAt = new Date();
    await fetch(`${ingestUrl}/api/v1/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'auth-lb',
        kind: 'config',
        summary: `backend weights 1:1:1 -> ${MISCONFIGURED_WEIGHTS.join(':')}`,
        at: misconfiguredAt.toISOString(),
      }),
    });
    simulator.misconfigure();
    log(
      `${misconfiguredAt.toISOString()} balancer misconfigured: weights ${MISCONFIGURED_WEIGHTS.join(':')} (change posted to Sitrep)`,
    );

    const firing = await waitFor(
      async () => {
        const page = await api<{ incidents: { id: string }[] }>('/api/v1/incidents');
        const first = page.incidents[0];
        if (!first) return undefined;
        const incident = await api<IncidentView>(`/api/v1/incidents/${first.id}`);
        return ['load_imbalance', 'error_rate', 'latency'].every((signal) => incident.signals.includes(signal))
          ? incident
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: 'an incident with load imbalance, error rate and latency' },
    );
    log(
      `incident ${firing.id}: ${firing.signals.join(', ')}; probable cause: ${firing.probableCause[0]?.reason ?? '?'}`,
    );
    await new Promise((resolve) => setTimeout(resolve, (options.holdSeconds ?? 5) * 1000));

    const restoredAt = new Date();
    simulator.restore();
    log(`${restoredAt.toISOString()} balancer restored: weights 1:1:1`);
    const incident = await waitFor(
      async () => {
        const current = await api<IncidentView>(`/api/v1/incidents/${firing.id}`);
        return current.status === 'resolved' ? current : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000, description: 'the incident to resolve' },
    );
    log(`incident ${incident.id} resolved at ${incident.moments.resolvedAt ?? '?'}`);
    const incidents = (await api<{ incidents: { id: string; services: string[] }[] }>('/api/v1/incidents')).incidents;
    const timeline = (await api<{ entries: ScenarioResult['timeline'] }>(`/api/v1/incidents/${incident.id}/timeline`))
      .entries;
    const postmortem = await api<string>(`/api/v1/incidents/${incident.id}/postmortem`);
    return { misconfiguredAt, restoredAt, incidents, incident, timeline, postmortem, workDir };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
