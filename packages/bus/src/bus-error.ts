/** Fixed set of error classes, used as a metric label: never free text. */
export type BusErrorClass = 'connection' | 'timeout' | 'not_ready' | 'protocol' | 'closed' | 'fenced' | 'unknown';

/**
 * Every failure the bus reports. `retriable` tells a caller whether the same call may succeed
 * later: a receiver answers 503 so its sender retries, and a start keeps trying. When it is
 * false (refused for good: no authorisation, a record too large, a topic config the cluster will
 * not take), a receiver answers 500 and a start gives up.
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

/** What a failure comes down to: its innermost cause's message (the broker's or the system's words). */
export function rootCauseMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause instanceof Error; depth += 1) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
