import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';

/** PEM texts (already read): the CAs to trust, and an optional client certificate with its key. */
export interface KafkaTls {
  /** Undefined trusts Node's bundled public CAs. */
  readonly ca: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly keyPassword: string | undefined;
}

export interface KafkaSasl {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

/** How to reach the brokers, in the Java client's terms (`security.protocol`). */
export interface KafkaSecurity {
  readonly protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** Used with SSL and SASL_SSL; undefined there means TLS with Node's default trust. */
  readonly tls: KafkaTls | undefined;
  /** Required with SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl: KafkaSasl | undefined;
}

export const PLAINTEXT: KafkaSecurity = Object.freeze({ protocol: 'PLAINTEXT', tls: undefined, sasl: undefined });

function tlsOptions(tls: KafkaTls | undefined): ConnectionOptions {
  // Verification stays on (Node's default): there is deliberately no way to turn it off.
  return {
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls?.key === undefined ? {} : { key: tls.key }),
    ...(tls?.keyPassword === undefined ? {} : { passphrase: tls.keyPassword }),
  };
}

function saslOptions(sasl: KafkaSasl): SASLOptions {
  const credentials = { username: sasl.username, password: sasl.password };
  switch (sasl.mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', ...credentials };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', ...credentials };
  }
}

/** The kafkajs client settings for a security protocol. */
export function kafkaSecurityConfig(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const usesTls = security.protocol === 'SSL' || security.protocol === 'SASL_SSL';
  const usesSasl = security.protocol === 'SASL_PLAINTEXT' || security.protocol === 'SASL_SSL';
  if (usesSasl && security.sasl === undefined) {
    throw new Error(`security protocol ${security.protocol} needs SASL credentials`);
  }
  return {
    ...(usesTls ? { ssl: tlsOptions(security.tls) } : {}),
    ...(usesSasl && security.sasl ? { sasl: saslOptions(security.sasl) } : {}),
  };
}
