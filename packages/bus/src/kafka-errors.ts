import { BusError, type BusErrorClass } from './bus-error.js';

/** The fields kafkajs' errors carry; any of them may be missing on errors from elsewhere. */
interface KafkaErrorFields {
  readonly retriable?: unknown;
  /** Kafka protocol errors: the error code's name (`MESSAGE_TOO_LARGE`) and number. */
  readonly type?: unknown;
  readonly code?: unknown;
  /** KafkaJSCreateTopicError names its topic. */
  readonly topic?: unknown;
  /** KafkaJSAggregateError (one error per topic of a createTopics call). */
  readonly errors?: unknown;
  readonly originalError?: unknown;
}

type KafkaError = Error & KafkaErrorFields;

const fields = (error: Error): KafkaError => error;

/** The error, its causes and, for aggregates, the errors they hold, outermost first. */
function errorChain(error: unknown): KafkaError[] {
  const chain: KafkaError[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 20) {
    const current = pending.shift();
    if (!(current instanceof Error) || chain.includes(current)) continue;
    const entry = fields(current);
    chain.push(entry);
    pending.push(entry.originalError ?? current.cause);
    if (Array.isArray(entry.errors)) pending.push(...(entry.errors as unknown[]));
  }
  return chain;
}

/** A broker's answer with a Kafka error code (KafkaJSProtocolError and its subclasses). */
const isProtocolError = (entry: KafkaError): boolean =>
  typeof entry.type === 'string' && typeof entry.code === 'number';

const CONNECTION = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  // kafkajs gives up looking for the group's coordinator while the cluster elects one (a fresh
  // cluster creating __consumer_offsets): it calls that final, but the next attempt can succeed.
  'KafkaJSGroupCoordinatorNotFound',
]);
/**
 * Node's codes for a broker certificate that failed verification (KafkaJSConnectionError keeps
 * the socket's code): the same certificate fails the same way on every attempt.
 */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const CERTIFICATE_DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const CERTIFICATE_NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

const codeOf = (entry: KafkaError): string | undefined => (typeof entry.code === 'string' ? entry.code : undefined);

/** What an operator has to fix, for the failures that come down to Sitrep's Kafka settings. */
function remedy(chain: readonly KafkaError[]): string | undefined {
  const codes = new Set(chain.map(codeOf));
  const types = new Set(chain.map((entry) => entry.type));
  if ([...UNTRUSTED_CERTIFICATE].some((code) => codes.has(code))) {
    return "the broker's TLS certificate is not signed by a CA Sitrep trusts: set KAFKA_TLS_CA_FILE to the CA certificate that signed it";
  }
  if ([...CERTIFICATE_DATES].some((code) => codes.has(code))) {
    return "the broker's TLS certificate has expired or is not valid yet: renew it (or check this host's clock)";
  }
  if ([...CERTIFICATE_NAME].some((code) => codes.has(code))) {
    return "the broker's TLS certificate does not name the host Sitrep connects to: list brokers in KAFKA_BROKERS by a name (or IP) in its subjectAltName";
  }
  if (types.has('UNSUPPORTED_SASL_MECHANISM') || types.has('ILLEGAL_SASL_STATE')) {
    return 'the broker does not offer KAFKA_SASL_MECHANISM on this listener (or the listener is not SASL: check KAFKA_SECURITY_PROTOCOL)';
  }
  if (
    types.has('SASL_AUTHENTICATION_FAILED') ||
    chain.some((entry) => entry.name === 'KafkaJSSASLAuthenticationError')
  ) {
    return 'Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM (SCRAM users exist per mechanism)';
  }
  if (types.has('TOPIC_AUTHORIZATION_FAILED') || types.has('CLUSTER_AUTHORIZATION_FAILED')) {
    return "Kafka's ACLs do not allow this user what Sitrep needs (see the README: connecting to a secured Kafka cluster)";
  }
  return undefined;
}

/** Waits that ran out: kafkajs marks KafkaJSTimeout final for its own loop, not for a later call. */
const TIMEOUT = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSTimeout', 'KafkaJSLockTimeout']);

/**
 * Maps kafkajs' error zoo to our fixed classes and says whether the same call may succeed later.
 * Non-retriable is only what retrying cannot change: the broker refusing by error code as
 * kafkajs' table of Kafka error codes says (authorisation failed, a record too large, a topic
 * config or replication factor the cluster will not take), failed SASL authentication, a broker
 * certificate that fails TLS verification, and requests kafkajs itself refuses as invalid. Everything else, and anything unknown, is retriable.
 */
export function classifyKafkaError(error: unknown): { errorClass: BusErrorClass; retriable: boolean } {
  const chain = errorChain(error);
  const names = new Set(chain.map((entry) => entry.name));
  // Per error code (kafkajs/src/protocol/error.js): LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS,
  // REQUEST_TIMED_OUT are retriable; MESSAGE_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED, INVALID_CONFIG
  // are not. A createTopics call fails with one per topic: it can succeed only if all can.
  const protocol = chain.filter(isProtocolError);
  if (protocol.length > 0) {
    return { errorClass: 'protocol', retriable: protocol.every((entry) => entry.retriable === true) };
  }
  if (names.has('KafkaJSSASLAuthenticationError')) return { errorClass: 'protocol', retriable: false };
  const codes = new Set(chain.map(codeOf));
  const certificateRefused = [...UNTRUSTED_CERTIFICATE, ...CERTIFICATE_DATES, ...CERTIFICATE_NAME].some((code) =>
    codes.has(code),
  );
  if (certificateRefused) return { errorClass: 'connection', retriable: false };
  if (chain.some((entry) => CONNECTION.has(entry.name))) return { errorClass: 'connection', retriable: true };
  if (chain.some((entry) => TIMEOUT.has(entry.name))) return { errorClass: 'timeout', retriable: true };
  // kafkajs ran out of retries of errors it judged retriable: later ones may succeed.
  if (names.has('KafkaJSNumberOfRetriesExceeded')) return { errorClass: 'unknown', retriable: true };
  return { errorClass: 'unknown', retriable: !chain.some((entry) => entry.retriable === false) };
}

/** The message, with each error an aggregate holds ("Topic creation errors" alone says little). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const aggregate = errorChain(error).find((entry) => Array.isArray(entry.errors) && entry.errors.length > 0);
  if (!aggregate) return error.message;
  const parts = (aggregate.errors as unknown[]).map((inner) => {
    if (!(inner instanceof Error)) return String(inner);
    const { topic } = fields(inner);
    return typeof topic === 'string' ? `${topic}: ${inner.message}` : inner.message;
  });
  return `${error.message}: ${parts.join('; ')}`;
}

/** Any failure of a kafkajs call as a BusError: `what` says which call, the cause is kept. */
export function toBusError(error: unknown, what: string): BusError {
  if (error instanceof BusError) return error;
  const { errorClass, retriable } = classifyKafkaError(error);
  const fix = remedy(errorChain(error));
  const message = fix === undefined ? `${what}: ${describe(error)}` : `${what}: ${fix} (${describe(error)})`;
  return new BusError(message, errorClass, retriable, { cause: error });
}
