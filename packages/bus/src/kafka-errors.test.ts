import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BusError } from './bus-error.js';
import { classifyKafkaError, toBusError } from './kafka-errors.js';

// kafkajs' own pieces, so the errors are the ones it really throws: its table of Kafka error
// codes (each with `retriable`), its error classes, the createTopics response parser and the
// retrier that wraps what it gives up on.
const require = createRequire(import.meta.url);
type ErrorClass = new (message: string, ...rest: unknown[]) => Error;
const errors = require('kafkajs/src/errors.js') as Record<string, ErrorClass>;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error;
};
const createTopicsResponse = require('kafkajs/src/protocol/requests/createTopics/v0/response.js') as {
  parse(data: { topicErrors: { topic: string; errorCode: number }[] }): Promise<unknown>;
};
const createRetry = require('kafkajs/src/retry/index.js') as (
  options: object,
) => (fn: () => Promise<never>) => Promise<never>;

const KafkaError = (name: string): ErrorClass => {
  const found = errors[name];
  if (!found) throw new Error(`kafkajs has no ${name}`);
  return found;
};

/** What kafkajs rejects with after its retries of a call that keeps throwing `error`. */
async function afterRetries(error: Error): Promise<unknown> {
  const retry = createRetry({ retries: 1, initialRetryTime: 1, maxRetryTime: 2 });
  return retry(() => Promise.reject(error)).catch((rejected: unknown) => rejected);
}

async function topicCreationFailure(...topicErrors: { topic: string; errorCode: number }[]): Promise<unknown> {
  return createTopicsResponse.parse({ topicErrors }).then(
    () => new Error('parsed without an error'),
    (error: unknown) => error,
  );
}

const CODE = {
  LEADER_NOT_AVAILABLE: 5,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_CONFIG: 40,
  POLICY_VIOLATION: 44,
  SASL_AUTHENTICATION_FAILED: 58,
} as const;

describe('classifyKafkaError: refused for good', () => {
  it.each([
    'MESSAGE_TOO_LARGE',
    'RECORD_LIST_TOO_LARGE',
    'TOPIC_AUTHORIZATION_FAILED',
    'GROUP_AUTHORIZATION_FAILED',
    'CLUSTER_AUTHORIZATION_FAILED',
    'SASL_AUTHENTICATION_FAILED',
  ] as const)('%s from the broker, as kafkajs hands it over after its retrier', async (type) => {
    const error = await afterRetries(createErrorFromCode(CODE[type]));
    expect(classifyKafkaError(error)).toEqual({ errorClass: 'protocol', retriable: false });
  });

  it.each(['INVALID_CONFIG', 'INVALID_REPLICATION_FACTOR', 'POLICY_VIOLATION'] as const)(
    'a topic the cluster will not create as asked (%s)',
    async (type) => {
      const error = await topicCreationFailure({ topic: 'sitrep.state', errorCode: CODE[type] });
      expect(classifyKafkaError(error)).toEqual({ errorClass: 'protocol', retriable: false });
    },
  );

  it('a createTopics call with one refused topic among retriable ones', async () => {
    const error = await topicCreationFailure(
      { topic: 'sitrep.alerts', errorCode: CODE.LEADER_NOT_AVAILABLE },
      { topic: 'sitrep.state', errorCode: CODE.INVALID_CONFIG },
    );
    expect(classifyKafkaError(error).retriable).toBe(false);
  });

  it('failed SASL authentication', async () => {
    const error = await afterRetries(
      new (KafkaError('KafkaJSSASLAuthenticationError'))('SASL PLAIN authentication failed: bad password'),
    );
    expect(classifyKafkaError(error)).toEqual({ errorClass: 'protocol', retriable: false });
  });

  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])("a broker certificate that fails TLS verification (%s), as kafkajs' connection reports it", async (code) => {
    const refused = new (KafkaError('KafkaJSConnectionError'))('Connection error: certificate refused', {
      broker: 'kafka-1:9093',
      code,
    });
    expect(classifyKafkaError(await afterRetries(refused))).toEqual({ errorClass: 'connection', retriable: false });
  });

  it('a request kafkajs refuses as invalid (configuration, arguments)', () => {
    const error = new (KafkaError('KafkaJSNonRetriableError'))('Invalid message without value for topic "t"');
    expect(classifyKafkaError(error)).toEqual({ errorClass: 'unknown', retriable: false });
  });
});

describe('classifyKafkaError: transient', () => {
  it.each([
    'LEADER_NOT_AVAILABLE',
    'NOT_ENOUGH_REPLICAS',
    'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    'REQUEST_TIMED_OUT',
  ] as const)('%s, after kafkajs ran out of retries', async (type) => {
    const error = await afterRetries(createErrorFromCode(CODE[type]));
    expect((error as Error).name).toBe('KafkaJSNumberOfRetriesExceeded');
    expect(classifyKafkaError(error)).toEqual({ errorClass: 'protocol', retriable: true });
  });

  it.each([
    ['KafkaJSConnectionError', 'connection'],
    ['KafkaJSConnectionClosedError', 'connection'],
    ['KafkaJSBrokerNotFound', 'connection'],
    ['KafkaJSGroupCoordinatorNotFound', 'connection'],
    ['KafkaJSRequestTimeoutError', 'timeout'],
    ['KafkaJSTimeout', 'timeout'],
    ['KafkaJSLockTimeout', 'timeout'],
  ] as const)('%s, as kafkajs hands it over after its retrier', async (name, errorClass) => {
    const error = await afterRetries(new (KafkaError(name))('gone'));
    expect(classifyKafkaError(error)).toEqual({ errorClass, retriable: true });
  });

  it('no broker available', () => {
    expect(classifyKafkaError(new (KafkaError('KafkaJSNoBrokerAvailableError'))(''))).toEqual({
      errorClass: 'connection',
      retriable: true,
    });
  });

  it('an error nobody classified: unknown, and retried rather than given up on', () => {
    expect(classifyKafkaError(new Error('socket hang up'))).toEqual({ errorClass: 'unknown', retriable: true });
    expect(classifyKafkaError('not even an error')).toEqual({ errorClass: 'unknown', retriable: true });
  });
});

describe('toBusError', () => {
  it('names each topic a createTopics call failed on, and keeps the cause', async () => {
    const cause = await topicCreationFailure({ topic: 'sitrep.state', errorCode: CODE.INVALID_CONFIG });
    const error = toBusError(cause, 'cannot start the Kafka bus');
    expect(error).toBeInstanceOf(BusError);
    expect(error.message).toBe(
      'cannot start the Kafka bus: Topic creation errors: sitrep.state: Configuration is invalid',
    );
    expect(error).toMatchObject({ errorClass: 'protocol', retriable: false, cause });
  });

  it('says what to fix when the TLS certificate is not trusted or the credentials are refused', async () => {
    const untrusted = new (KafkaError('KafkaJSConnectionError'))(
      'Connection error: self-signed certificate in certificate chain',
      { broker: 'kafka-1:9093', code: 'SELF_SIGNED_CERT_IN_CHAIN' },
    );
    expect(toBusError(await afterRetries(untrusted), 'cannot start the Kafka bus').message).toMatch(
      /^cannot start the Kafka bus: the broker's TLS certificate is not signed by a CA Sitrep trusts: set KAFKA_TLS_CA_FILE to the CA certificate that signed it \(.*self-signed certificate in certificate chain\)$/,
    );
    const refused = new (KafkaError('KafkaJSSASLAuthenticationError'))('SASL SCRAM SHA256 authentication failed');
    expect(toBusError(refused, 'cannot start the Kafka bus').message).toBe(
      'cannot start the Kafka bus: Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM (SCRAM users exist per mechanism) (SASL SCRAM SHA256 authentication failed)',
    );
    const plainConnection = new (KafkaError('KafkaJSConnectionError'))('Connection error: ECONNREFUSED', {
      code: 'ECONNREFUSED',
    });
    expect(toBusError(plainConnection, 'cannot start the Kafka bus')).toMatchObject({
      message: 'cannot start the Kafka bus: Connection error: ECONNREFUSED',
      retriable: true,
    });
  });

  it('leaves a BusError as it is', () => {
    const error = new BusError('late', 'timeout', true);
    expect(toBusError(error, 'publish failed')).toBe(error);
  });
});
