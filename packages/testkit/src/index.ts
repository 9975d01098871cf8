export { FakeClock } from './fake-clock.js';
export { freePort } from './free-port.js';
export { startKafkaBroker } from './kafka-broker.js';
export type { KafkaBroker, KafkaBrokerOptions } from './kafka-broker.js';
export { ensureKafkaJars, KAFKA_VERSION, sitrepCacheDir } from './kafka-jars.js';
export { uniqueName } from './random-names.js';
export { waitFor } from './wait-for.js';
export type { WaitForOptions } from './wait-for.js';
export { testKafkaBrokers } from './vitest-kafka.js';
