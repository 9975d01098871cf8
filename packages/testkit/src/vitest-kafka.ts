import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the real broker the integration suites share (see vitest-kafka-setup.ts). */
    kafkaBrokers: string;
  }
}

/** The shared test broker's address, for suites in the integration and e2e tiers. */
export function testKafkaBrokers(): string {
  return inject('kafkaBrokers');
}
