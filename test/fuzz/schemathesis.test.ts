import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitFor, type SpawnedProcess } from '@sitrep/testkit';

// schemathesis, a fuzzer nobody here wrote, against both services' /openapi.json with every check
// it has: a real `sitrep start` (alert-ingest with its correlator on the embedded bus, and the
// recorder) holding a recorded incident, so the stateful phase follows real ids from the list into
// the detail, timeline, postmortem and entry operations. A fixed seed and a fixed number of cases
// per operation make the run repeatable; it must find no server error and no place where a
// response, or what the service accepts or refuses, differs from the document.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SITREP_BIN = join(ROOT, 'packages/cli/bin/sitrep.js');
/** The rules the document states in words only (until after since, nothing in the future). */
const HOOKS = join(ROOT, 'test/fuzz/schemathesis_hooks.py');
const SEED = '20261122';
const EXAMPLES_PER_OPERATION = '100';
const INGEST_TOKEN = 'fuzz-ingest-token-5f0c2d9a7b41e836';
const API_TOKEN = 'fuzz-api-token-b83e1f6a92d04c57';

interface SuiteResult {
  readonly status: number | null;
  readonly output: string;
  /** `Test cases: N generated` from schemathesis' summary. */
  readonly cases: number;
}

function schemathesisPath(): string {
  const installed = spawnSync('bash', [join(ROOT, 'scripts/schemathesis.sh')], { encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`scripts/schemathesis.sh failed:\n${installed.stderr}`);
  const path = /^SCHEMATHESIS=(.+)$/m.exec(installed.stdout)?.[1];
  if (!path) throw new Error(`scripts/schemathesis.sh printed no path:\n${installed.stdout}`);
  return path;
}

/** One schemathesis run over the operations of `tag` on `base`, asynchronously (the services run in this process's children). */
function fuzz(binary: string, base: string, tag: string, token: string, reportDir: string): Promise<SuiteResult> {
  const args = [
    'run',
    `${base}/openapi.json`,
    '--url',
    base,
    '--include-tag',
    tag,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    '--seed',
    SEED,
    '--max-examples',
    EXAMPLES_PER_OPERATION,
    '--workers',
    '1',
    '--request-timeout',
    '15',
    '--generation-database',
    'none',
    '--no-color',
    '--report-dir',
    reportDir,
  ];
  return new Promise((done, fail) => {
    const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: HOOKS };
    const child = spawn(binary, args, { cwd: reportDir, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('close', (status) => {
      const cases = Number(/Test cases:\s*(\d+) generated/.exec(output)?.[1] ?? Number.NaN);
      done({ status, output, cases });
    });
  });
}

describe('schemathesis against both services', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-fuzz-'));
  let binary: string;
  let sitrep: SpawnedProcess | undefined;
  let ingest: string;
  let recorder: string;

  beforeAll(async () => {
    binary = schemathesisPath();
    const [ingestPort, recorderPort] = [await freePort(), await freePort()];
    ingest = `http://127.0.0.1:${ingestPort}`;
    recorder = `http://127.0.0.1:${recorderPort}`;
    sitrep = await startProcess({
      name: 'sitrep start',
      command: process.execPath,
      args: ['--disable-warning=ExperimentalWarning', SITREP_BIN, 'start'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SITREP_DATA_DIR: join(dir, 'data'),
        SITREP_INGEST_PORT: String(ingestPort),
        SITREP_RECORDER_PORT: String(recorderPort),
        SITREP_INGEST_BEARER_TOKEN: INGEST_TOKEN,
        SITREP_API_TOKEN: API_TOKEN,
        SITREP_LOG_LEVEL: 'warn',
      },
      logFile: join(dir, 'sitrep.log'),
      ready: async () => {
        const answers = await Promise.all([ingest, recorder].map((url) => fetch(`${url}/readyz`)));
        return answers.every((answer) => answer.ok);
      },
      readyTimeoutMs: 60_000,
      readyIntervalMs: 200,
    });
    // One real outage, so the recorder has an incident to describe.
    const startsAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const alert = (alertname: string, service: string) => ({
      status: 'firing',
      labels: { alertname, service, severity: 'critical' },
      annotations: { summary: `${alertname} on ${service}`, value: '0.31' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
    });
    const delivered = await fetch(`${ingest}/api/v1/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="HighErrorRate"}',
        status: 'firing',
        receiver: 'sitrep',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager:9093',
        truncatedAlerts: 0,
        alerts: [alert('BackendLoadImbalance', 'auth-lb'), alert('HighErrorRate', 'auth')],
      }),
    });
    expect(delivered.status).toBe(200);
    await waitFor(
      async () => {
        const listed = await fetch(`${recorder}/api/v1/incidents`, {
          headers: { authorization: `Bearer ${API_TOKEN}` },
        });
        return ((await listed.json()) as { incidents: unknown[] }).incidents.length > 0;
      },
      { timeoutMs: 30_000 },
    );
  }, 600_000);

  afterAll(async () => {
    await sitrep?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const suites = [
    { name: 'alert-ingest', tag: 'ingest', base: () => ingest, token: INGEST_TOKEN },
    { name: 'recorder', tag: 'recorder', base: () => recorder, token: API_TOKEN },
  ] as const;

  for (const suite of suites) {
    it(`finds no server error and no departure from the document: ${suite.name}`, { timeout: 300_000 }, async () => {
      const reportDir = mkdtempSync(join(dir, `${suite.tag}-`));
      const result = await fuzz(binary, suite.base(), suite.tag, suite.token, reportDir);
      process.stdout.write(`schemathesis ${suite.name}: ${result.cases} cases\n`);
      // What went wrong, without the banner: the failures and the summary.
      const report = result.output.slice(Math.max(0, result.output.search(/={5,} (FAILURES|ERRORS|SUMMARY)/)));
      expect(result.status, report).toBe(0);
      expect(result.output, report).toMatch(/No issues found/);
      expect(result.cases).toBeGreaterThan(100);
      expect(sitrep?.running, sitrep?.outputTail()).toBe(true);
    });
  }
});
