import type { Logger } from '@sitrep/telemetry';

/** An error that says the same call cannot succeed later (`retriable: false`, as BusError and kafkajs say). */
function isFinal(error: unknown): error is Error {
  return error instanceof Error && (error as Error & { retriable?: unknown }).retriable === false;
}

/** The innermost cause's message: the broker's or the system's own words. */
function rootCause(error: Error): string {
  let current = error;
  for (let depth = 0; depth < 10 && current.cause instanceof Error; depth += 1) current = current.cause;
  return current.message;
}

/**
 * Runs `attempt` until it succeeds or `isStopping()` says to give up, backing off from 0.5 s to
 * 30 s: a service serves HTTP (health, 503s) at once and joins its dependencies when they answer.
 * An error that says it is not retriable (a BusError refused for good: no authorisation, a topic
 * config the cluster will not take) ends the retries: logged once at error level, and the
 * returned promise rejects with it, so the program can fail its start instead of waiting forever.
 */
export async function retryUntilStarted(
  attempt: () => Promise<void>,
  options: { readonly isStopping: () => boolean; readonly logger: Logger; readonly waitingFor: string },
): Promise<void> {
  let delayMs = 500;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (options.isStopping()) return;
      if (isFinal(error)) {
        options.logger.error(`${options.waitingFor} refused for good; giving up starting`, {
          error,
          cause: rootCause(error),
        });
        throw error;
      }
      options.logger.warn(`${options.waitingFor} not ready yet; retrying`, {
        error: error as Error,
        retryInMs: delayMs,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      delayMs = Math.min(delayMs * 2, 30_000);
    }
  }
}
