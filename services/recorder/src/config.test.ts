import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader, type Env } from '@sitrep/config';
import { loadRecorderConfig, type RecorderConfig, type RecorderConfigOptions } from './config.js';

function load(env: Env, options: RecorderConfigOptions = {}, readFile?: (path: string) => string): RecorderConfig {
  const reader = new EnvReader(env, readFile ? { readFile } : {});
  const config = loadRecorderConfig(reader, options);
  reader.finish();
  return config;
}

function failingVariables(env: Env, options: RecorderConfigOptions = {}): string[] {
  try {
    load(env, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => issue.variable).sort();
  }
  throw new Error('expected a ConfigError');
}

const TOKEN = { SITREP_API_TOKEN: 'write-123' };

describe('loadRecorderConfig', () => {
  it('has embedded defaults: port 9096, SQLite under the data dir, no Prometheus', () => {
    const config = load({ ...TOKEN, SITREP_DATA_DIR: '/var/lib/sitrep' });
    expect(config.port).toBe(9096);
    expect(config.store).toEqual({ kind: 'sqlite', path: '/var/lib/sitrep/recorder.sqlite' });
    expect(config.consumerGroup).toBe('sitrep-recorder');
    expect(config.prometheus).toBeNull();
    expect(config.access).toEqual({ mode: 'enabled', writeTokens: ['write-123'], readTokens: [] });
  });

  it('takes PostgreSQL, a read-only token and Prometheus, secrets also from files', () => {
    const files: Record<string, string> = { '/run/secrets/db': 'postgres://sitrep:pw@db:5432/sitrep\n' };
    const config = load(
      {
        ...TOKEN,
        SITREP_API_READ_TOKEN: 'read-456',
        SITREP_DATABASE_URL_FILE: '/run/secrets/db',
        PROMETHEUS_URL: 'http://prometheus:9090/',
      },
      {},
      (path) => files[path] ?? '',
    );
    expect(config.store).toEqual({
      kind: 'postgres',
      url: 'postgres://sitrep:pw@db:5432/sitrep',
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 10_000,
    });
    expect(config.access).toEqual({ mode: 'enabled', writeTokens: ['write-123'], readTokens: ['read-456'] });
    expect(config.prometheus).toEqual({ url: 'http://prometheus:9090', timeoutMs: 10_000 });
  });

  it('generates a token when none is set and a generator is given, and refuses to start without one otherwise', () => {
    const config = load({}, { generateToken: () => 'generated' });
    expect(config.generatedToken).toBe(true);
    expect(config.access).toMatchObject({ writeTokens: ['generated'] });
    expect(failingVariables({})).toEqual(['SITREP_API_TOKEN']);
  });

  it('names every bad variable at once', () => {
    expect(
      failingVariables({
        ...TOKEN,
        SITREP_API_READ_TOKEN: 'write-123',
        SITREP_DATABASE_URL: 'mysql://db',
        PROMETHEUS_URL: 'prometheus:9090',
        SITREP_RECORDER_PORT: '70000',
        SITREP_RECORDER_GROUP: 'has space',
        SITREP_RECORDER_PROT: '1',
      }),
    ).toEqual([
      'PROMETHEUS_URL',
      'SITREP_API_READ_TOKEN',
      'SITREP_DATABASE_URL',
      'SITREP_RECORDER_GROUP',
      'SITREP_RECORDER_PORT',
      'SITREP_RECORDER_PROT',
    ]);
  });

  it('turns auth off only on loopback', () => {
    expect(load({ SITREP_AUTH: 'disabled' }).access).toEqual({ mode: 'disabled' });
    expect(failingVariables({ SITREP_AUTH: 'disabled', SITREP_HOST: '0.0.0.0' })).toEqual(['SITREP_AUTH']);
  });

  it('takes PostgreSQL timeouts', () => {
    const config = load({
      ...TOKEN,
      SITREP_DATABASE_URL: 'postgres://db/sitrep',
      SITREP_DATABASE_CONNECT_TIMEOUT_MS: '1500',
      SITREP_DATABASE_STATEMENT_TIMEOUT_MS: '2500',
    });
    expect(config.store).toMatchObject({ connectTimeoutMs: 1500, statementTimeoutMs: 2500 });
    expect(
      failingVariables({
        ...TOKEN,
        SITREP_DATABASE_URL: 'postgres://db/sitrep',
        SITREP_DATABASE_STATEMENT_TIMEOUT_MS: '0',
      }),
    ).toEqual(['SITREP_DATABASE_STATEMENT_TIMEOUT_MS']);
  });

  it('refuses placeholder and short tokens on a non-loopback address, naming the variable', () => {
    const exposed = { SITREP_HOST: '0.0.0.0' };
    const strong = '9f86d081884c7d659a2feaa0c55ad015';
    expect(failingVariables({ ...exposed, SITREP_API_TOKEN: 'change-me-api-token' })).toEqual(['SITREP_API_TOKEN']);
    expect(failingVariables({ ...exposed, SITREP_API_TOKEN: strong, SITREP_API_READ_TOKEN: 'changeme' })).toEqual([
      'SITREP_API_READ_TOKEN',
    ]);
    expect(failingVariables({ ...exposed, SITREP_API_TOKEN: 'write-123' })).toEqual(['SITREP_API_TOKEN']);
    expect(load({ ...exposed, SITREP_API_TOKEN: strong }).access).toMatchObject({ writeTokens: [strong] });
    expect(load({ SITREP_API_TOKEN: 'password' }).access).toMatchObject({ writeTokens: ['password'] });
  });
});
