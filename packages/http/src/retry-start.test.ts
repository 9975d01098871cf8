import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { retryUntilStarted } from './retry-start.js';

/** An error as BusError and kafkajs shape it: `retriable` says whether the same call may pass. */
const failure = (message: string, retriable: boolean, cause?: Error) =>
  Object.assign(new Error(message, cause === undefined ? {} : { cause }), { retriable });

describe('retryUntilStarted', () => {
  it('stops at an error that says it is not retriable: rejects with it, logged once at error level', async () => {
    const { logger, lines } = createMemoryLogger();
    const cause = new Error('Configuration is invalid');
    const refused = failure('cannot start the Kafka bus', false, cause);
    let attempts = 0;
    const attempt = () => {
      attempts += 1;
      return Promise.reject(refused);
    };
    await expect(retryUntilStarted(attempt, { isStopping: () => false, logger, waitingFor: 'the bus' })).rejects.toBe(
      refused,
    );
    expect(attempts).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'the bus refused for good; giving up starting',
      cause: 'Configuration is invalid',
      error: { message: 'cannot start the Kafka bus' },
    });
  });

  it('retries errors that may pass (retriable, or saying nothing) until the attempt succeeds', async () => {
    const { logger, lines } = createMemoryLogger();
    const errors = [failure('connection refused', true), new Error('ECONNRESET')];
    let attempts = 0;
    const attempt = () => {
      const error = errors[attempts];
      attempts += 1;
      return error === undefined ? Promise.resolve() : Promise.reject(error);
    };
    await retryUntilStarted(attempt, { isStopping: () => false, logger, waitingFor: 'the bus' });
    expect(attempts).toBe(3);
    expect(lines.map((line) => [line.level, line.retryInMs])).toEqual([
      ['warn', 500],
      ['warn', 1000],
    ]);
  });

  it('resolves without rethrowing when the service is stopping', async () => {
    const { logger, lines } = createMemoryLogger();
    const attempt = () => Promise.reject(failure('refused', false));
    await retryUntilStarted(attempt, { isStopping: () => true, logger, waitingFor: 'the bus' });
    expect(lines).toEqual([]);
  });
});
