import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader, type Env } from '@sitrep/config';
import { loadIngestConfig, type IngestConfig, type IngestConfigOptions } from './config.js';

function load(env: Env, options: IngestConfigOptions = {}, readFile?: (path: string) => string): IngestConfig {
  const reader = new EnvReader(env, readFile ? { readFile } : {});
  const config = loadIngestConfig(reader, options);
  reader.finish();
  return config;
}

function failingVariables(env: Env, options: IngestConfigOptions = {}): string[] {
  try {
    load(env, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => issue.variable);
  }
  throw new Error('expected a ConfigError');
}

const TOKEN = { SITREP_INGEST_BEARER_TOKEN: 'tok-123' };

describe('loadIngestConfig', () => {
  it('has safe defaults', () => {
    const config = load(TOKEN);
    expect(config.port).toBe(9095);
    expect(config.platform.host).toBe('127.0.0.1');
    expect(config.correlation.scopeLabels[0]).toBe('service');
    expect(config.maxBodyBytes).toBe(1_048_576);
    expect(config.retryAfterSeconds).toBe(5);
    expect(config.generatedToken).toBe(false);
  });

  it('reads the bearer token from the environment', () => {
    expect(load(TOKEN).auth).toEqual({ mode: 'enabled', bearerTokens: ['tok-123'] });
  });

  it('reads the bearer token from SITREP_INGEST_BEARER_TOKEN_FILE', () => {
    const reads: string[] = [];
    const config = load({ SITREP_INGEST_BEARER_TOKEN_FILE: '/run/secrets/ingest-token' }, {}, (path) => {
      reads.push(path);
      return 'tok-from-file\n';
    });
    expect(reads).toEqual(['/run/secrets/ingest-token']);
    expect(config.auth).toEqual({ mode: 'enabled', bearerTokens: ['tok-from-file'] });
  });

  it('parses basic auth as user:password', () => {
    expect(load({ SITREP_INGEST_BASIC_AUTH: 'alertmanager:pa:ss' }).auth).toEqual({
      mode: 'enabled',
      bearerTokens: [],
      basic: { username: 'alertmanager', password: 'pa:ss' },
    });
  });

  it('accepts bearer and basic together', () => {
    expect(load({ ...TOKEN, SITREP_INGEST_BASIC_AUTH: 'user:pass' }).auth).toEqual({
      mode: 'enabled',
      bearerTokens: ['tok-123'],
      basic: { username: 'user', password: 'pass' },
    });
  });

  it('rejects basic auth without a colon', () => {
    expect(failingVariables({ ...TOKEN, SITREP_INGEST_BASIC_AUTH: 'userpass' })).toEqual(['SITREP_INGEST_BASIC_AUTH']);
    expect(failingVariables({ ...TOKEN, SITREP_INGEST_BASIC_AUTH: 'user:' })).toEqual(['SITREP_INGEST_BASIC_AUTH']);
  });

  it('refuses to disable auth on a non-loopback host', () => {
    expect(failingVariables({ SITREP_AUTH: 'disabled', SITREP_HOST: '0.0.0.0' })).toEqual(['SITREP_AUTH']);
  });

  it('allows disabling auth on loopback', () => {
    const config = load({ SITREP_AUTH: 'disabled', SITREP_HOST: '127.0.0.1' });
    expect(config.auth).toEqual({ mode: 'disabled' });
    expect(config.generatedToken).toBe(false);
  });

  it('requires a credential when there is no token generator', () => {
    expect(failingVariables({})).toEqual(['SITREP_INGEST_BEARER_TOKEN']);
  });

  it('uses a generated token when no credential is configured', () => {
    const dataDirs: string[] = [];
    const config = load(
      { SITREP_DATA_DIR: '/var/lib/sitrep' },
      {
        generateToken: (dataDir) => {
          dataDirs.push(dataDir);
          return 'generated-tok';
        },
      },
    );
    expect(dataDirs).toEqual(['/var/lib/sitrep']);
    expect(config.generatedToken).toBe(true);
    expect(config.auth).toEqual({ mode: 'enabled', bearerTokens: ['generated-tok'] });
  });

  it('does not generate a token when one is configured', () => {
    const config = load(TOKEN, {
      generateToken: () => {
        throw new Error('must not be called');
      },
    });
    expect(config.generatedToken).toBe(false);
    expect(config.auth).toEqual({ mode: 'enabled', bearerTokens: ['tok-123'] });
  });

  it('rejects a port that is not a number', () => {
    expect(failingVariables({ ...TOKEN, SITREP_INGEST_PORT: 'abc' })).toEqual(['SITREP_INGEST_PORT']);
  });

  it('rejects brokers that are not host:port', () => {
    expect(failingVariables({ ...TOKEN, KAFKA_BROKERS: 'nonsense' })).toEqual(['KAFKA_BROKERS']);
  });

  it('reads the body limit with units', () => {
    expect(load({ ...TOKEN, SITREP_INGEST_MAX_BODY: '512kb' }).maxBodyBytes).toBe(524_288);
  });

  it('reads the other settings', () => {
    const config = load({
      ...TOKEN,
      SITREP_INGEST_PORT: '0',
      SITREP_SCOPE_LABEL: 'team',
      SITREP_RETRY_AFTER_SECONDS: '17',
      KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
    });
    expect(config.port).toBe(0);
    expect(config.correlation.scopeLabels[0]).toBe('team');
    expect(config.retryAfterSeconds).toBe(17);
    expect(config.platform.kafkaBrokers).toEqual(['kafka-0:9092', 'kafka-1:9092']);
  });

  it('names every bad variable at once', () => {
    expect(
      failingVariables({
        SITREP_INGEST_PORT: 'abc',
        KAFKA_BROKERS: 'nonsense',
        SITREP_SCOPE_LABEL: 'bad-label',
      }).sort(),
    ).toEqual(['KAFKA_BROKERS', 'SITREP_INGEST_BEARER_TOKEN', 'SITREP_INGEST_PORT', 'SITREP_SCOPE_LABEL']);
  });
});

describe('loadIngestConfig: scope label and correlation file agree', () => {
  it('refuses a correlation file whose scope labels do not start with SITREP_SCOPE_LABEL', () => {
    const reader = new EnvReader(
      { SITREP_INGEST_BEARER_TOKEN: 't', SITREP_SCOPE_LABEL: 'app', SITREP_CORRELATION_CONFIG: '/c.yml' },
      { readFile: () => 'scope_labels: [service]\n' },
    );
    loadIngestConfig(reader);
    expect(() => reader.finish()).toThrow(
      /SITREP_CORRELATION_CONFIG: \/c.yml: scope_labels must start with SITREP_SCOPE_LABEL \(app\)/,
    );
  });

  it('scopes by SITREP_SCOPE_LABEL when there is no correlation file', () => {
    const reader = new EnvReader({ SITREP_INGEST_BEARER_TOKEN: 't', SITREP_SCOPE_LABEL: 'app' });
    expect(loadIngestConfig(reader).correlation.scopeLabels).toEqual(['app', 'cluster', 'namespace']);
  });
  it('refuses placeholder and short credentials on a non-loopback address, naming the variable', () => {
    const exposed = { SITREP_HOST: '0.0.0.0' };
    expect(failingVariables({ ...exposed, SITREP_INGEST_BEARER_TOKEN: 'change-me-ingest-token' })).toEqual([
      'SITREP_INGEST_BEARER_TOKEN',
    ]);
    expect(failingVariables({ ...exposed, SITREP_INGEST_BEARER_TOKEN: 'tok-123' })).toEqual([
      'SITREP_INGEST_BEARER_TOKEN',
    ]);
    expect(failingVariables({ ...exposed, SITREP_INGEST_BASIC_AUTH: 'alertmanager:password' })).toEqual([
      'SITREP_INGEST_BASIC_AUTH',
    ]);
    const strong = { SITREP_INGEST_BEARER_TOKEN: '9f86d081884c7d659a2feaa0c55ad015' };
    expect(load({ ...exposed, ...strong }).auth).toMatchObject({ bearerTokens: [strong.SITREP_INGEST_BEARER_TOKEN] });
    // On loopback only this machine can try them.
    expect(load({ SITREP_INGEST_BEARER_TOKEN: 'secret' }).auth).toMatchObject({ bearerTokens: ['secret'] });
  });
});
