import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { EnvReader } from './env-reader.js';
import { readPlatformSettings } from './platform.js';
import { refuseWeakSecret, weakSecretReason } from './weak-secrets.js';

const DEPLOY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy');

/** Every example token in deploy/: the compose secrets and the Kubernetes Secret's values. */
function deployExampleTokens(): string[] {
  const compose = join(DEPLOY, 'compose/secrets');
  const fromCompose = readdirSync(compose)
    .filter((name) => name.endsWith('token'))
    .map((name) => readFileSync(join(compose, name), 'utf8').trim());
  const k8s = readFileSync(join(DEPLOY, 'k8s/config.yaml'), 'utf8');
  const fromK8s = [...k8s.matchAll(/^\s+[\w-]*token:\s*(\S+)\s*$/gm)].map((match) => match[1] ?? '');
  return [...fromCompose, ...fromK8s];
}

function issues(host: string, env: Record<string, string>, read: (reader: EnvReader) => void) {
  const reader = new EnvReader({ SITREP_HOST: host, ...env }, { readFile: () => 'change-me\n' });
  readPlatformSettings(reader);
  read(reader);
  try {
    reader.finish();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ variable, message }) => ({ variable, message }));
  }
}

describe('weak secrets', () => {
  it('calls placeholders and short values weak, and long random ones not', () => {
    for (const weak of ['change-me', 'CHANGEME', 'change_me', 'secret', 'Password', 'change-me-0123456789abcdef'])
      expect(weakSecretReason(weak), weak).toBe('is a placeholder value');
    expect(weakSecretReason('0123456789abcde')).toBe('is shorter than 16 characters');
    expect(weakSecretReason('0123456789abcdef')).toBeUndefined();
    expect(weakSecretReason('9f86d081884c7d659a2feaa0c55ad015')).toBeUndefined();
  });

  it('calls every example token in deploy/ weak', () => {
    const examples = deployExampleTokens();
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples) expect(weakSecretReason(example), example).toBeDefined();
  });

  it('refuses weak secrets on a non-loopback address, naming the variable it came from', () => {
    const check = (reader: EnvReader) => {
      refuseWeakSecret(reader, 'SITREP_TOKEN', reader.secret('SITREP_TOKEN'), '0.0.0.0');
      refuseWeakSecret(reader, 'SITREP_OTHER', reader.secret('SITREP_OTHER'), '0.0.0.0', 'the password');
    };
    const found = issues('0.0.0.0', { SITREP_TOKEN: 'short', SITREP_OTHER_FILE: '/run/secrets/other' }, check);
    expect(found.map((issue) => issue.variable)).toEqual(['SITREP_TOKEN', 'SITREP_OTHER_FILE']);
    expect(found[0]?.message).toMatch(/^the value is shorter than 16 characters; refused because SITREP_HOST/);
    expect(found[1]?.message).toMatch(/^the password is a placeholder value/);
  });

  it('lets any secret through on loopback, where only this machine can try it', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1'])
      expect(
        issues(host, { SITREP_TOKEN: 'short' }, (reader) =>
          refuseWeakSecret(reader, 'SITREP_TOKEN', reader.secret('SITREP_TOKEN'), host),
        ),
      ).toEqual([]);
  });
});

describe('HTTP server settings', () => {
  it('has defaults, takes each variable, and keeps the headers timeout within the request timeout', () => {
    expect(readPlatformSettings(new EnvReader({})).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 1_000,
      maxInFlight: 200,
    });
    const set = {
      SITREP_HTTP_HEADERS_TIMEOUT_MS: '2000',
      SITREP_HTTP_REQUEST_TIMEOUT_MS: '5000',
      SITREP_HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      SITREP_HTTP_MAX_CONNECTIONS: '10',
      SITREP_HTTP_MAX_IN_FLIGHT: '3',
    };
    expect(readPlatformSettings(new EnvReader(set)).http).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 5000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 10,
      maxInFlight: 3,
    });
    const found = issues(
      '127.0.0.1',
      {
        SITREP_HTTP_HEADERS_TIMEOUT_MS: '6000',
        SITREP_HTTP_REQUEST_TIMEOUT_MS: '5000',
        SITREP_HTTP_MAX_IN_FLIGHT: '0',
      },
      () => undefined,
    );
    expect(found.map((issue) => issue.variable)).toEqual([
      'SITREP_HTTP_MAX_IN_FLIGHT',
      'SITREP_HTTP_HEADERS_TIMEOUT_MS',
    ]);
  });
});
