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
/** Waits that ran out: kafkajs marks KafkaJSTimeout final for its own loop, not for a later call. */
const TIMEOUT = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSTimeout', 'KafkaJSLockTimeout']);

/**
 * Maps kafkajs' error zoo to our fixed classes and says whether the same call may succeed later.
 * Non-retriable is only what retrying cannot change: the broker refusing by error code as
 * kafkajs' table of Kafka error codes says (authorisation failed, a record too large, a topic
 * config or replication factor the cluster will not take), failed SASL authentication, and
 * requests kafkajs itself refuses as invalid. Everything else, and anything unknown, is retriable.
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
  return new BusError(`${what}: ${describe(error)}`, errorClass, retriable, { cause: error });
}
