import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import {
  createKafkaTestCertificates,
  startKafkaBroker,
  uniqueName,
  waitFor,
  type KafkaBroker,
  type KafkaTestCertificates,
} from '@sitrep/testkit';
import type { IncomingMessage } from './bus.js';
import { KafkaBus } from './kafka-bus.js';
import type { KafkaSasl, KafkaSecurity } from './kafka-security.js';

// One broker with a SASL_SSL listener serving PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for the same
// user, its certificate signed by a CA made for this run.
const USER = { username: 'sitrep', password: 'correct-horse-battery-staple' };
const { logger } = createMemoryLogger('error');

let dir: string;
let certificates: KafkaTestCertificates;
let broker: KafkaBroker | undefined;
let secured: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sitrep-kafka-secure-'));
  certificates = createKafkaTestCertificates(join(dir, 'tls'));
  broker = await startKafkaBroker({
    saslSsl: {
      keystoreFile: certificates.keystoreFile,
      keystorePassword: certificates.keystorePassword,
      users: [USER],
    },
  });
  if (broker.saslSslBootstrap === undefined) throw new Error('the broker has no SASL_SSL listener');
  secured = broker.saslSslBootstrap;
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const security = (sasl: KafkaSasl, caFile = certificates.caFile): KafkaSecurity => ({
  protocol: 'SASL_SSL',
  tls: { ca: readFileSync(caFile, 'utf8'), cert: undefined, key: undefined, keyPassword: undefined },
  sasl,
});

const busWith = (securitySettings: KafkaSecurity) =>
  new KafkaBus({
    brokers: [secured],
    clientId: uniqueName('secure'),
    publishTimeoutMs: 15_000,
    security: securitySettings,
    logger,
  });

describe('KafkaBus over SASL_SSL', () => {
  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const)(
    'connects with %s over TLS, produces and consumes',
    async (mechanism) => {
      const bus = busWith(security({ mechanism, ...USER }));
      const topic = uniqueName(`secure-${mechanism.toLowerCase()}`);
      try {
        await bus.start([{ name: topic, partitions: 1, replicationFactor: -1 }]);
        await bus.publish(topic, [{ key: 'auth', value: `over ${mechanism}`, headers: { 'sitrep-id': mechanism } }]);
        const received: IncomingMessage[] = [];
        const subscription = await bus.subscribe({
          groupId: uniqueName('secure-group'),
          topics: [topic],
          fromBeginning: true,
          ephemeral: true,
          eachMessage: (message) => {
            received.push(message);
            return Promise.resolve();
          },
        });
        try {
          await waitFor(() => received.length === 1, { timeoutMs: 30_000, description: 'the record to arrive' });
        } finally {
          await subscription.close();
        }
        expect(received[0]).toMatchObject({
          key: 'auth',
          value: `over ${mechanism}`,
          headers: { 'sitrep-id': mechanism },
        });
      } finally {
        await bus.close();
      }
    },
  );

  it('commits a transaction over SASL_SSL, as the correlator does', async () => {
    const bus = busWith(security({ mechanism: 'SCRAM-SHA-512', ...USER }));
    const topic = uniqueName('secure-transaction');
    try {
      await bus.start([{ name: topic, partitions: 1, replicationFactor: -1 }]);
      const writer = await bus.transactionalWriter(uniqueName('secure-writer'));
      try {
        await writer.commit([{ topic, messages: [{ key: 'incident', value: 'committed' }] }]);
      } finally {
        await writer.close();
      }
      // Read until the commit is visible: right after commit() a read_committed readAll can
      // still find nothing (reported; the commit itself is what this test is about).
      let values: string[] = [];
      await waitFor(
        async () => {
          values = (await bus.readAll(topic)).map((message) => message.value);
          return values.length > 0;
        },
        { timeoutMs: 30_000, description: 'the committed record to be readable' },
      );
      expect(values).toEqual(['committed']);
    } finally {
      await bus.close();
    }
  });

  it('fails start with a non-retriable error saying the credentials were refused, for a wrong password', async () => {
    const bus = busWith(security({ mechanism: 'SCRAM-SHA-512', username: USER.username, password: 'wrong' }));
    try {
      const started = bus.start([{ name: uniqueName('never'), partitions: 1, replicationFactor: -1 }]);
      await expect(started).rejects.toMatchObject({ name: 'BusError', retriable: false });
      await expect(started).rejects.toThrow(
        /^cannot start the Kafka bus: Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM/,
      );
    } finally {
      await bus.close();
    }
  });

  it('fails start with a non-retriable error saying the certificate is not trusted, for a CA that did not sign it', async () => {
    const bus = busWith(security({ mechanism: 'SCRAM-SHA-256', ...USER }, certificates.otherCaFile));
    try {
      const started = bus.start([{ name: uniqueName('never'), partitions: 1, replicationFactor: -1 }]);
      await expect(started).rejects.toMatchObject({ name: 'BusError', errorClass: 'connection', retriable: false });
      await expect(started).rejects.toThrow(
        /^cannot start the Kafka bus: the broker's TLS certificate is not signed by a CA Sitrep trusts: set KAFKA_TLS_CA_FILE/,
      );
    } finally {
      await bus.close();
    }
  });
});
