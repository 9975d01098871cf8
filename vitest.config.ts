import { defineConfig } from 'vitest/config';

// Four tiers. `unit` is pure and fast. `integration` (*.int.test.ts) shares one real Kafka
// broker started by the global setup. `e2e` (test/) runs whole services against real Kafka and
// a real Alertmanager. `faults` (test/faults/) crashes, freezes and stops parts of a pipeline on
// three brokers of its own. Workspace packages resolve through node_modules to their built
// dist/, so the tests exercise what ships; the build setup, first in every project, runs
// `tsc -b` so that dist/ is never older than src/ (incremental: a quarter of a second when
// nothing changed).
const buildSetup = './packages/testkit/src/vitest-build-setup.ts';
const kafkaSetup = './packages/testkit/src/vitest-kafka-setup.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
          globalSetup: [buildSetup],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'services/*/src/**/*.int.test.ts'],
          globalSetup: [buildSetup, kafkaSetup],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/faults/**'],
          globalSetup: [buildSetup, kafkaSetup],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Its own cluster of three brokers (not the shared one), killed and stopped on purpose.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: [buildSetup],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
