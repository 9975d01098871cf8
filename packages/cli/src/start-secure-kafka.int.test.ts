import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKafkaTestCertificates,
  freePort,
  startKafkaBroker,
  startProcess,
  webhookBody,
  type KafkaBroker,
  type KafkaTestCertificates,
} from '@sitrep/testkit';

// `sitrep start` against a broker that only takes SASL over TLS, configured the way an operator
// does it: environment variables and secret files, through the real config parsing.
const program = fileURLToPath(new URL('../bin/sitrep.js', import.meta.url));
const USER = { username: 'sitrep', password: randomBytes(12).toString('hex') };
const TOKEN = randomBytes(24).toString('hex');

let dir: string;
let certificates: KafkaTestCertificates;
let broker: KafkaBroker | undefined;
let passwordFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sitrep-start-secure-'));
  certificates = createKafkaTestCertificates(join(dir, 'tls'));
  passwordFile = join(dir, 'kafka-password');
  writeFileSync(passwordFile, `${USER.password}\n`);
  broker = await startKafkaBroker({
    saslSsl: {
      keystoreFile: certificates.keystoreFile,
      keystorePassword: certificates.keystorePassword,
      users: [USER],
    },
  });
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

function secureEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    SITREP_SERVICES: 'ingest',
    SITREP_DATA_DIR: mkdtempSync(join(dir, 'data-')),
    SITREP_INGEST_BEARER_TOKEN: TOKEN,
    SITREP_LOG_LEVEL: 'warn',
    KAFKA_BROKERS: broker?.saslSslBootstrap ?? '',
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: USER.username,
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
    KAFKA_TLS_CA_FILE: certificates.caFile,
    ...overrides,
  };
}

/** Runs `sitrep start` to its exit. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', program, 'start'],
      { env, timeout: 60_000 },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

describe('sitrep start on a cluster that requires SASL_SSL', () => {
  it('connects with SCRAM-SHA-512 over TLS and takes alerts', async () => {
    const port = await freePort();
    const ingest = `http://127.0.0.1:${port}`;
    const sitrep = await startProcess({
      name: 'sitrep start (SASL_SSL)',
      command: process.execPath,
      args: ['--disable-warning=ExperimentalWarning', program, 'start'],
      env: secureEnv({ SITREP_INGEST_PORT: String(port) }),
      logFile: join(dir, 'sitrep-secure.log'),
      ready: async () => (await fetch(`${ingest}/readyz`).catch(() => undefined))?.ok === true,
      readyTimeoutMs: 60_000,
    });
    try {
      const labels = { alertname: 'AuthErrorRate', service: 'auth', severity: 'critical' };
      const sent = await fetch(`${ingest}/api/v1/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody([{ labels, startsAt: new Date(Date.now() - 60_000).toISOString() }])),
      });
      // 200 only once the alert is on the alerts topic, acknowledged by the secured broker.
      expect(sent.status).toBe(200);
    } finally {
      await sitrep.stop();
    }
  });

  it('exits 1 saying the SASL credentials were refused, for a wrong password', async () => {
    const wrong = join(dir, 'wrong-password');
    writeFileSync(wrong, 'not-the-password\n');
    const { code, stderr } = await runToExit(secureEnv({ KAFKA_SASL_PASSWORD_FILE: wrong, SITREP_INGEST_PORT: '0' }));
    expect(code).toBe(1);
    expect(stderr).toContain('alert-ingest could not start');
    expect(stderr).toContain('Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD');
  });

  it('exits 1 saying the certificate is not trusted, for a CA that did not sign the broker', async () => {
    const { code, stderr } = await runToExit(
      secureEnv({ KAFKA_TLS_CA_FILE: certificates.otherCaFile, SITREP_INGEST_PORT: '0' }),
    );
    expect(code).toBe(1);
    expect(stderr).toContain("the broker's TLS certificate is not signed by a CA Sitrep trusts: set KAFKA_TLS_CA_FILE");
  });

  it('refuses to start, naming the variable, when the CA file cannot be read', async () => {
    const { code, stderr } = await runToExit(secureEnv({ KAFKA_TLS_CA_FILE: join(dir, 'no-such-ca.pem') }));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`KAFKA_TLS_CA_FILE: cannot read ${join(dir, 'no-such-ca.pem')}`);
  });
});
