import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor, webhookBody } from '@sitrep/testkit';

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
      const child = spawn(
        process.execPath,
        ['--disable-warning=ExperimentalWarning', join(dir, 'app', 'sitrep.mjs'), 'start'],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            SITREP_DATA_DIR: join(dir, 'data'),
            SITREP_INGEST_PORT: String(ingestPort),
            SITREP_RECORDER_PORT: String(recorderPort),
            SITREP_INGEST_BEARER_TOKEN: token,
            SITREP_API_TOKEN: token,
          },
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        const ingest = `http://127.0.0.1:${ingestPort}`;
        const recorder = `http://127.0.0.1:${recorderPort}`;
        await waitFor(async () => (await fetch(`${ingest}/readyz`)).ok && (await fetch(`${recorder}/readyz`)).ok, {
          timeoutMs: 30_000,
        });
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
        child.kill('SIGTERM');
        await exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
