import type { Logger } from '@sitrep/telemetry';

/**
 * Runs `attempt` until it succeeds or `isStopping()` says to give up, backing off from 0.5 s to
 * 30 s: a service serves HTTP (health, 503s) at once and joins its dependencies when they answer.
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
      options.logger.warn(`${options.waitingFor} not ready yet; retrying`, {
        error: error as Error,
        retryInMs: delayMs,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      delayMs = Math.min(delayMs * 2, 30_000);
    }
  }
}
