import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitFor, webhookBody } from '@sitrep/testkit';

// The deploy files users copy are checked by the tools that will read them.
const deploy = (path: string) => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message} (npm test installs it)`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy files', () => {
  it('Prometheus alerting rules are valid and their unit tests pass (promtool)', () => {
    const check = run('promtool', ['check', 'rules', deploy('prometheus/rules.yml')]);
    expect(check.output).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const test = run('promtool', ['test', 'rules', deploy('prometheus/rules.test.yml')]);
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });

  it('the example Alertmanager configuration is valid (amtool)', () => {
    const check = run('amtool', ['check-config', deploy('alertmanager/alertmanager.yml')]);
    expect(check.output).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});

describe('production bundle (what deploy/docker/Dockerfile ships)', () => {
  it('runs both services from one file, with no node_modules beside it', { timeout: 120_000 }, async () => {
    const dockerfile = readFileSync(deploy('docker/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('bash scripts/bundle.sh /bundle');
    expect(dockerfile).toMatch(/COPY --from=build \/bundle\/ \/app\//);
    expect(dockerfile).toMatch(/^USER node$/m);

    const dir = mkdtempSync(join(tmpdir(), 'sitrep-bundle-'));
    try {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const built = spawnSync('bash', [join(root, 'scripts/bundle.sh'), join(dir, 'app')], {
        encoding: 'utf8',
        env: { ...process.env, SITREP_SKIP_BUILD: '1' },
      });
      expect(built.status, built.stderr).toBe(0);
      const [ingestPort, recorderPort] = [await freePort(), await freePort()];
      const token = 'bundle-token';
      const ingest = `http://127.0.0.1:${ingestPort}`;
      const recorder = `http://127.0.0.1:${recorderPort}`;
      const sitrep = await startProcess({
        name: 'the bundled sitrep start',
        command: process.execPath,
        args: ['--disable-warning=ExperimentalWarning', join(dir, 'app', 'sitrep.mjs'), 'start'],
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          SITREP_DATA_DIR: join(dir, 'data'),
          SITREP_INGEST_PORT: String(ingestPort),
          SITREP_RECORDER_PORT: String(recorderPort),
          SITREP_INGEST_BEARER_TOKEN: token,
          SITREP_API_TOKEN: token,
        },
        logFile: join(dir, 'sitrep.log'),
        ready: async () => (await fetch(`${ingest}/readyz`)).ok && (await fetch(`${recorder}/readyz`)).ok,
      });
      try {
        const labels = { alertname: 'AuthErrorRate', service: 'auth', severity: 'critical' };
        const sent = await fetch(`${ingest}/api/v1/alertmanager`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(webhookBody([{ labels, startsAt: new Date(Date.now() - 60_000).toISOString() }])),
        });
        expect(sent.status).toBe(200);
        await waitFor(
          async () => {
            const response = await fetch(`${recorder}/api/v1/incidents`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return ((await response.json()) as { incidents: unknown[] }).incidents.length === 1;
          },
          { timeoutMs: 30_000, description: 'the bundle to record the incident' },
        );
      } finally {
        await sitrep.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Kubernetes manifests and the compose file', () => {
  const tools: Record<string, string> = {};
  beforeAll(() => {
    // Builds kubeconform and Docker Compose from the Go module proxy on first use (minutes), then cached.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const fetched = run('bash', [join(root, 'scripts/deploy-tools.sh')]);
    if (fetched.status !== 0) throw new Error(`scripts/deploy-tools.sh failed: ${fetched.output}`);
    for (const line of fetched.output.split('\n')) {
      const match = /^([A-Z0-9_]+)=(.+)$/.exec(line);
      if (match) tools[match[1]!] = match[2]!;
    }
  }, 1_200_000);

  const kubeconform = (path: string) =>
    run(tools.KUBECONFORM!, [
      '-strict',
      '-summary',
      '-ignore-filename-pattern',
      'kustomization.yaml',
      '-schema-location',
      tools.K8S_SCHEMA_LOCATION!,
      path,
    ]);

  it('every manifest in deploy/k8s is valid Kubernetes (kubeconform, strict: unknown fields fail)', () => {
    const result = kubeconform(deploy('k8s'));
    expect(result.output).toMatch(/Valid: \d+, Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-k8s-'));
    try {
      // The check can fail: a misspelt field is caught.
      writeFileSync(
        join(dir, 'recorder.yaml'),
        readFileSync(deploy('k8s/recorder.yaml'), 'utf8').replace('replicas:', 'replica:'),
      );
      expect(kubeconform(dir).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the compose file is valid (docker compose config) and runs what the README promises', () => {
    const result = spawnSync(tools.DOCKER_COMPOSE!, ['config', '--format', 'json'], {
      cwd: deploy('compose'),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const config = JSON.parse(result.stdout) as {
      services: Record<
        string,
        {
          deploy?: { replicas?: number };
          healthcheck?: unknown;
          build?: { target?: string };
          environment?: Record<string, string | null>;
        }
      >;
    };
    const brokers = ['kafka-1', 'kafka-2', 'kafka-3'];
    expect(Object.keys(config.services).sort()).toEqual([
      'alert-ingest',
      'alertmanager',
      ...brokers,
      'postgres',
      'prometheus',
      'recorder',
    ]);
    expect(config.services['alert-ingest']?.deploy?.replicas).toBe(2);
    expect(config.services['alert-ingest']?.build?.target).toBe('alert-ingest');
    expect(config.services.recorder?.build?.target).toBe('recorder');
    for (const name of [...brokers, 'postgres', 'prometheus', 'alertmanager']) {
      expect(config.services[name]?.healthcheck, name).toBeDefined();
    }
    // Three KRaft voters, one per broker, each with its own id; durable defaults on the brokers.
    const brokerEnv = brokers.map((name) => config.services[name]?.environment ?? {});
    expect(new Set(brokerEnv.map((env) => env.KAFKA_NODE_ID)).size).toBe(3);
    for (const env of brokerEnv) {
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
      expect(env.KAFKA_MIN_INSYNC_REPLICAS).toBe('2');
      expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('3');
    }
    // Sitrep creates its topics with replication 3 and min.insync.replicas 2, on all three brokers.
    for (const name of ['alert-ingest', 'recorder']) {
      expect(config.services[name]?.environment, name).toMatchObject({
        KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092,kafka-3:9092',
        SITREP_TOPIC_REPLICATION_FACTOR: '3',
        SITREP_TOPIC_MIN_INSYNC_REPLICAS: '2',
      });
    }
  });

  it('the Kubernetes manifests run three Kafka brokers and Sitrep relies on all three', () => {
    const kafka = readFileSync(deploy('k8s/kafka.yaml'), 'utf8');
    expect(kafka).toMatch(/kind: StatefulSet[\s\S]*replicas: 3/);
    expect(kafka).toContain("'0@kafka-0.kafka:9093,1@kafka-1.kafka:9093,2@kafka-2.kafka:9093'");
    expect(kafka).toContain("{ name: KAFKA_MIN_INSYNC_REPLICAS, value: '2' }");
    expect(readFileSync(deploy('k8s/kustomization.yaml'), 'utf8')).toContain('- kafka.yaml');
    const config = readFileSync(deploy('k8s/config.yaml'), 'utf8');
    expect(config).toContain('KAFKA_BROKERS: kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092');
    expect(config).toContain("SITREP_TOPIC_REPLICATION_FACTOR: '3'");
    expect(config).toContain("SITREP_TOPIC_MIN_INSYNC_REPLICAS: '2'");
  });

  it('the compose Alertmanager configuration is valid too (amtool)', () => {
    const check = run('amtool', ['check-config', deploy('compose/alertmanager.yml')]);
    expect(check.output).toContain('SUCCESS');
  });
});
