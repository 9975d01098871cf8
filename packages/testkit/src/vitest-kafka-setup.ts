import type { TestProject } from 'vitest/node';
import { startKafkaBroker } from './kafka-broker.js';
import type {} from './vitest-kafka.js';

/**
 * Vitest global setup: one real broker for every integration suite (each test uses its own
 * topics and groups). KAFKA_TEST_BROKERS points the suites at an already running broker instead.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.KAFKA_TEST_BROKERS;
  if (external) {
    project.provide('kafkaBrokers', external);
    return undefined;
  }
  const broker = await startKafkaBroker();
  project.provide('kafkaBrokers', broker.bootstrap);
  return () => broker.close();
}
