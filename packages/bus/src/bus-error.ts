/** Fixed set of error classes, used as a metric label: never free text. */
export type BusErrorClass = 'connection' | 'timeout' | 'not_ready' | 'protocol' | 'closed' | 'unknown';

/**
 * Every failure the bus reports. `retriable` tells a caller whether the same call may succeed
 * later (a receiver then answers 503 so its sender retries).
 */
export class BusError extends Error {
  override readonly name = 'BusError';

  constructor(
    message: string,
    readonly errorClass: BusErrorClass,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isBusError(error: unknown): error is BusError {
  return error instanceof BusError;
}
