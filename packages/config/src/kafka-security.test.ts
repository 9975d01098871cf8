import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { EnvReader, type Env } from './env-reader.js';
import {
  CA_PEM,
  CLIENT_CERT_PEM,
  CLIENT_KEY_ENCRYPTED_PEM,
  CLIENT_KEY_PEM,
  FIXTURE_KEY_PASSWORD,
  OTHER_KEY_PEM,
} from './kafka-security.fixture.js';
import { readPlatformSettings } from './platform.js';

const FILES: Readonly<Record<string, string>> = {
  '/tls/ca.pem': CA_PEM,
  '/tls/client.pem': CLIENT_CERT_PEM,
  '/tls/client.key': CLIENT_KEY_PEM,
  '/tls/client-encrypted.key': CLIENT_KEY_ENCRYPTED_PEM,
  '/tls/other.key': OTHER_KEY_PEM,
  '/tls/not-pem.txt': 'hello\n',
  '/secrets/kafka-password': 'from-a-file\n',
};

function readFile(path: string): string {
  const content = FILES[path];
  if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return content;
}

const read = (env: Env) => {
  const reader = new EnvReader({ KAFKA_BROKERS: 'kafka-1:9093', ...env }, { readFile });
  const settings = readPlatformSettings(reader);
  reader.finish();
  return settings;
};

function issuesOf(env: Env): Record<string, string> {
  try {
    read(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).issues.map((issue) => [issue.variable, issue.message]));
  }
  throw new Error('expected a ConfigError');
}

const SASL_SSL = {
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'sitrep',
  KAFKA_SASL_PASSWORD_FILE: '/secrets/kafka-password',
  KAFKA_TLS_CA_FILE: '/tls/ca.pem',
};

describe('Kafka security settings', () => {
  it('default to PLAINTEXT with neither TLS nor SASL', () => {
    expect(read({}).kafkaSecurity).toEqual({ protocol: 'PLAINTEXT', tls: undefined, sasl: undefined });
  });

  it('read SASL_SSL with a CA file and a password file (its trailing newline dropped)', () => {
    expect(read(SASL_SSL).kafkaSecurity).toEqual({
      protocol: 'SASL_SSL',
      tls: { ca: CA_PEM.replace(/\n$/, ''), cert: undefined, key: undefined, keyPassword: undefined },
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'sitrep', password: 'from-a-file' },
    });
  });

  it('accept protocol and mechanism names in any case, the password inline', () => {
    const { kafkaSecurity } = read({
      KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'sitrep',
      KAFKA_SASL_PASSWORD: 'inline',
    });
    expect(kafkaSecurity).toEqual({
      protocol: 'SASL_PLAINTEXT',
      tls: undefined,
      sasl: { mechanism: 'PLAIN', username: 'sitrep', password: 'inline' },
    });
  });

  it('read a client certificate with its encrypted key', () => {
    const { kafkaSecurity } = read({
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_TLS_CERT_FILE: '/tls/client.pem',
      KAFKA_TLS_KEY_FILE: '/tls/client-encrypted.key',
      KAFKA_TLS_KEY_PASSWORD: FIXTURE_KEY_PASSWORD,
    });
    expect(kafkaSecurity.tls?.cert).toContain('BEGIN CERTIFICATE');
    expect(kafkaSecurity.tls?.key).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(kafkaSecurity.tls?.keyPassword).toBe(FIXTURE_KEY_PASSWORD);
    expect(kafkaSecurity.tls?.ca).toBeUndefined();
  });

  it('refuse a SASL mechanism or credentials without a SASL protocol', () => {
    expect(issuesOf({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual({
      KAFKA_SASL_MECHANISM: 'is only used with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL, but it is PLAINTEXT',
      KAFKA_SASL_USERNAME: 'is only used with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL, but it is PLAINTEXT',
      KAFKA_SASL_PASSWORD: 'is only used with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL, but it is PLAINTEXT',
    });
    expect(Object.keys(issuesOf({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SASL_MECHANISM: 'PLAIN' }))).toEqual([
      'KAFKA_SASL_MECHANISM',
    ]);
  });

  it('refuse TLS files without a TLS protocol', () => {
    expect(
      issuesOf({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', ...sasl(), KAFKA_TLS_CA_FILE: '/tls/ca.pem' }),
    ).toEqual({
      KAFKA_TLS_CA_FILE: 'is only used with KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, but it is SASL_PLAINTEXT',
    });
  });

  it('require a mechanism, a username and a password with a SASL protocol', () => {
    expect(issuesOf({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toEqual({
      KAFKA_SASL_MECHANISM:
        'is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL (one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
      KAFKA_SASL_USERNAME: 'is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL',
      KAFKA_SASL_PASSWORD: '(or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL',
    });
  });

  it('refuse unknown protocols and mechanisms (GSSAPI is not supported)', () => {
    const issues = issuesOf({ KAFKA_SECURITY_PROTOCOL: 'TLS', KAFKA_SASL_MECHANISM: 'GSSAPI' });
    expect(issues.KAFKA_SECURITY_PROTOCOL).toBe('must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "TLS"');
    expect(issuesOf({ ...SASL_SSL, KAFKA_SASL_MECHANISM: 'GSSAPI' }).KAFKA_SASL_MECHANISM).toBe(
      'must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"',
    );
  });

  it('refuse an unreadable CA file, or one holding no certificate, naming the variable', () => {
    expect(issuesOf({ ...SASL_SSL, KAFKA_TLS_CA_FILE: '/tls/missing.pem' })).toEqual({
      KAFKA_TLS_CA_FILE: "cannot read /tls/missing.pem: ENOENT: no such file or directory, open '/tls/missing.pem'",
    });
    expect(issuesOf({ ...SASL_SSL, KAFKA_TLS_CA_FILE: '/tls/not-pem.txt' })).toEqual({
      KAFKA_TLS_CA_FILE: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    });
    expect(
      issuesOf({
        ...SASL_SSL,
        KAFKA_TLS_CA_FILE: undefined,
        KAFKA_TLS_CA: '-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----',
      }),
    ).toHaveProperty('KAFKA_TLS_CA', expect.stringMatching(/^holds a certificate that does not parse/));
  });

  it('refuse a certificate without its key, a key without its certificate, a key of another certificate', () => {
    expect(issuesOf({ ...SASL_SSL, KAFKA_TLS_CERT_FILE: '/tls/client.pem' })).toEqual({
      KAFKA_TLS_KEY_FILE: 'is required with KAFKA_TLS_CERT_FILE',
    });
    expect(issuesOf({ ...SASL_SSL, KAFKA_TLS_KEY_FILE: '/tls/client.key' })).toEqual({
      KAFKA_TLS_CERT_FILE: 'is required with KAFKA_TLS_KEY_FILE',
    });
    expect(
      issuesOf({ ...SASL_SSL, KAFKA_TLS_CERT_FILE: '/tls/client.pem', KAFKA_TLS_KEY_FILE: '/tls/other.key' }),
    ).toEqual({ KAFKA_TLS_KEY_FILE: 'is not the key of the certificate in KAFKA_TLS_CERT_FILE' });
  });

  it('refuse an encrypted key without its password or with a wrong one', () => {
    const client = {
      ...SASL_SSL,
      KAFKA_TLS_CERT_FILE: '/tls/client.pem',
      KAFKA_TLS_KEY_FILE: '/tls/client-encrypted.key',
    };
    expect(issuesOf(client).KAFKA_TLS_KEY_FILE).toMatch(
      /^cannot read the private key \(encrypted\? set KAFKA_TLS_KEY_PASSWORD_FILE\)/,
    );
    expect(issuesOf({ ...client, KAFKA_TLS_KEY_PASSWORD: 'wrong' }).KAFKA_TLS_KEY_FILE).toMatch(
      /^cannot read the private key with KAFKA_TLS_KEY_PASSWORD/,
    );
    expect(issuesOf({ ...SASL_SSL, KAFKA_TLS_KEY_PASSWORD: 'lonely' })).toEqual({
      KAFKA_TLS_KEY_PASSWORD: 'only decrypts KAFKA_TLS_KEY_FILE, which is not set',
    });
  });

  it('refuse a password given both inline and as a file', () => {
    expect(issuesOf({ ...SASL_SSL, KAFKA_SASL_PASSWORD: 'inline' })).toEqual({
      KAFKA_SASL_PASSWORD: 'set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    });
  });

  it('refuse misspelt security variables and security without brokers', () => {
    expect(issuesOf({ ...SASL_SSL, KAFKA_SASL_PASSWROD: 'x' })).toEqual({
      KAFKA_SASL_PASSWROD: 'is not a known setting (misspelt?)',
    });
    expect(issuesOf({ KAFKA_BROKERS: '', KAFKA_SECURITY_PROTOCOL: 'SSL' })).toEqual({
      KAFKA_SECURITY_PROTOCOL: 'is only used with KAFKA_BROKERS (the embedded transport has no network)',
    });
    // Other programs' KAFKA_ variables (Kubernetes service links) are not Sitrep's to judge.
    expect(read({ KAFKA_PORT: 'tcp://10.0.0.1:9092' }).kafkaSecurity.protocol).toBe('PLAINTEXT');
  });
});

function sasl(): Env {
  return { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'sitrep', KAFKA_SASL_PASSWORD: 'secret' };
}

describe('topic durability settings', () => {
  it('default to choosing from the cluster size, weak topics refused', () => {
    const settings = read({});
    expect(settings.topicReplicationFactor).toBe(-1);
    expect(settings.topicMinInsyncReplicas).toBe(-1);
    expect(settings.allowWeakTopics).toBe(false);
  });

  it('read explicit values and the flag', () => {
    const settings = read({
      SITREP_TOPIC_REPLICATION_FACTOR: '3',
      SITREP_TOPIC_MIN_INSYNC_REPLICAS: '2',
      SITREP_KAFKA_ALLOW_WEAK_TOPICS: 'true',
    });
    expect([settings.topicReplicationFactor, settings.topicMinInsyncReplicas, settings.allowWeakTopics]).toEqual([
      3,
      2,
      true,
    ]);
  });

  it('refuse zero replicas, and more in-sync replicas than replicas', () => {
    expect(issuesOf({ SITREP_TOPIC_REPLICATION_FACTOR: '0', SITREP_TOPIC_MIN_INSYNC_REPLICAS: '0' })).toEqual({
      SITREP_TOPIC_REPLICATION_FACTOR: 'must be at least 1, or -1 to choose from the cluster size',
      SITREP_TOPIC_MIN_INSYNC_REPLICAS: 'must be at least 1, or -1 to choose from the cluster size',
    });
    expect(issuesOf({ SITREP_TOPIC_REPLICATION_FACTOR: '2', SITREP_TOPIC_MIN_INSYNC_REPLICAS: '3' })).toEqual({
      SITREP_TOPIC_MIN_INSYNC_REPLICAS: 'must not exceed SITREP_TOPIC_REPLICATION_FACTOR (2), got 3',
    });
    expect(issuesOf({ SITREP_KAFKA_ALLOW_WEAK_TOPICS: 'yes' })).toEqual({
      SITREP_KAFKA_ALLOW_WEAK_TOPICS: 'must be one of true, false, got "yes"',
    });
  });
});
