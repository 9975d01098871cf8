export type {
  BatchPosition,
  Bus,
  BusReadiness,
  ConsumedPosition,
  IncomingMessage,
  OutgoingMessage,
  OutgoingMessageTo,
  SubscribeOptions,
  Subscription,
  TopicPartition,
  TopicSpec,
  TopicWrite,
  TransactionalWriter,
} from './bus.js';
export { BusError, isBusError, rootCauseMessage } from './bus-error.js';
export type { BusErrorClass } from './bus-error.js';
export { createBus } from './create-bus.js';
export type { BusSettings } from './create-bus.js';
export { EmbeddedBus } from './embedded-bus.js';
export type { EmbeddedBusOptions } from './embedded-bus.js';
export { KafkaBus } from './kafka-bus.js';
export type { KafkaBusOptions } from './kafka-bus.js';
export { classifyKafkaError } from './kafka-errors.js';
export { partitionOfKey } from './key-partition.js';
