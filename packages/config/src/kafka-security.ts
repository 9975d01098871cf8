import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { EnvReader } from './env-reader.js';

/** As the Java client's `security.protocol` names them. */
export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const KAFKA_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** PEM texts, already read and parsed once, so a bad file stops start-up rather than a connect. */
export interface KafkaTlsSettings {
  /** CAs that sign the brokers' certificates; undefined trusts Node's bundled public CAs. */
  readonly ca: string | undefined;
  /** A client certificate and its key, for brokers with `ssl.client.auth=required`. */
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly keyPassword: string | undefined;
}

export interface KafkaSaslSettings {
  readonly mechanism: KafkaSaslMechanism;
  readonly username: string;
  readonly password: string;
}

export interface KafkaSecuritySettings {
  readonly protocol: KafkaSecurityProtocol;
  /** Set exactly when the protocol is SSL or SASL_SSL. */
  readonly tls: KafkaTlsSettings | undefined;
  /** Set exactly when the protocol is SASL_PLAINTEXT or SASL_SSL. */
  readonly sasl: KafkaSaslSettings | undefined;
}

const PROTOCOL = 'KAFKA_SECURITY_PROTOCOL';
const MECHANISM = 'KAFKA_SASL_MECHANISM';
const USERNAME = 'KAFKA_SASL_USERNAME';
/** Secrets: each may be given inline or as a path in `NAME_FILE`. */
const PASSWORD = 'KAFKA_SASL_PASSWORD';
const CA = 'KAFKA_TLS_CA';
const CERT = 'KAFKA_TLS_CERT';
const KEY = 'KAFKA_TLS_KEY';
const KEY_PASSWORD = 'KAFKA_TLS_KEY_PASSWORD';

function upperOneOf<const T extends string>(env: EnvReader, name: string, allowed: readonly T[]): T | undefined {
  const value = env.optionalString(name);
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === value.toUpperCase());
  if (match === undefined) env.fail(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return match;
}

/** Certificates in a PEM text; a bundle of several CAs is common. */
function certificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/** The first problem with a PEM certificate text, or undefined when it holds at least one certificate. */
function certificateProblem(pem: string): string | undefined {
  try {
    return certificates(pem).length === 0 ? 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)' : undefined;
  } catch (error) {
    return `holds a certificate that does not parse: ${(error as Error).message}`;
  }
}

function readTls(env: EnvReader): KafkaTlsSettings {
  const ca = env.secret(CA);
  const cert = env.secret(CERT);
  const key = env.secret(KEY);
  const keyPassword = env.secret(KEY_PASSWORD);
  const caProblem = ca === undefined ? undefined : certificateProblem(ca);
  if (caProblem !== undefined) env.fail(env.sourceOf(CA), caProblem);
  const certProblem = cert === undefined ? undefined : certificateProblem(cert);
  if (certProblem !== undefined) env.fail(env.sourceOf(CERT), certProblem);
  if (cert !== undefined && key === undefined) env.fail(`${KEY}_FILE`, `is required with ${env.sourceOf(CERT)}`);
  if (key !== undefined && cert === undefined) env.fail(`${CERT}_FILE`, `is required with ${env.sourceOf(KEY)}`);
  if (keyPassword !== undefined && key === undefined) {
    env.fail(env.sourceOf(KEY_PASSWORD), `only decrypts ${KEY}_FILE, which is not set`);
  }
  if (key !== undefined) {
    let parsed: KeyObject | undefined;
    try {
      parsed = createPrivateKey({ key, ...(keyPassword === undefined ? {} : { passphrase: keyPassword }) });
    } catch (error) {
      const hint = keyPassword === undefined ? ` (encrypted? set ${KEY_PASSWORD}_FILE)` : ` with ${KEY_PASSWORD}`;
      env.fail(env.sourceOf(KEY), `cannot read the private key${hint}: ${(error as Error).message}`);
    }
    const first = cert !== undefined && certProblem === undefined ? certificates(cert)[0] : undefined;
    if (parsed && first && !first.checkPrivateKey(parsed)) {
      env.fail(env.sourceOf(KEY), `is not the key of the certificate in ${env.sourceOf(CERT)}`);
    }
  }
  return Object.freeze({ ca, cert, key, keyPassword });
}

function readSasl(env: EnvReader, protocol: KafkaSecurityProtocol): KafkaSaslSettings | undefined {
  const mechanism = upperOneOf(env, MECHANISM, KAFKA_SASL_MECHANISMS);
  const username = env.optionalString(USERNAME);
  const password = env.secret(PASSWORD);
  if (mechanism === undefined && env.optionalString(MECHANISM) === undefined) {
    env.fail(MECHANISM, `is required with ${PROTOCOL}=${protocol} (one of ${KAFKA_SASL_MECHANISMS.join(', ')})`);
  }
  if (username === undefined) env.fail(USERNAME, `is required with ${PROTOCOL}=${protocol}`);
  if (password === undefined && env.sourceOf(PASSWORD) === PASSWORD) {
    env.fail(PASSWORD, `(or ${PASSWORD}_FILE) is required with ${PROTOCOL}=${protocol}`);
  }
  if (mechanism === undefined || username === undefined || password === undefined) return undefined;
  return Object.freeze({ mechanism, username, password });
}

/** Names set for a protocol that does not use them: a half-done switch would otherwise go unnoticed. */
function refuseUnused(env: EnvReader, protocol: KafkaSecurityProtocol, names: readonly string[], usedBy: string): void {
  for (const name of names.flatMap((base) => [base, `${base}_FILE`])) {
    if (env.optionalString(name) !== undefined) {
      env.fail(name, `is only used with ${PROTOCOL}=${usedBy}, but it is ${protocol}`);
    }
  }
}

/**
 * How Sitrep authenticates to Kafka and encrypts the connection. Every inconsistency stops start-up
 * naming the variable: a SASL mechanism without a SASL protocol, a certificate without its key, a
 * CA file that cannot be read or holds no certificate.
 */
export function readKafkaSecurity(env: EnvReader): KafkaSecuritySettings {
  const protocol = upperOneOf(env, PROTOCOL, KAFKA_SECURITY_PROTOCOLS) ?? 'PLAINTEXT';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  if (!usesTls) refuseUnused(env, protocol, [CA, CERT, KEY, KEY_PASSWORD], 'SSL or SASL_SSL');
  if (!usesSasl) {
    refuseUnused(env, protocol, [PASSWORD], 'SASL_PLAINTEXT or SASL_SSL');
    for (const name of [MECHANISM, USERNAME]) {
      if (env.optionalString(name) !== undefined) {
        env.fail(name, `is only used with ${PROTOCOL}=SASL_PLAINTEXT or SASL_SSL, but it is ${protocol}`);
      }
    }
  }
  return Object.freeze({
    protocol,
    tls: usesTls ? readTls(env) : undefined,
    sasl: usesSasl ? readSasl(env, protocol) : undefined,
  });
}
