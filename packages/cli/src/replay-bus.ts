import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmbeddedBus, KafkaBus, type Bus } from '@sitrep/bus';
import type { PlatformSettings } from '@sitrep/config';
import { replayTopics } from '@sitrep/alert-ingest';
import type { Logger } from '@sitrep/telemetry';

/**
 * Runs one replay on a bus of its own, then removes it: the embedded bus in a temporary folder,
 * or, when KAFKA_BROKERS is set, topics under a fresh prefix on that cluster, deleted afterwards
 * (a sweep replays once per setting; left behind, they would pile up on the cluster).
 */
export async function withReplayBus<T>(
  platform: PlatformSettings,
  logger: Logger,
  run: (bus: Bus, topicPrefix: string) => Promise<T>,
): Promise<T> {
  if (platform.kafkaBrokers.length > 0) {
    const topicPrefix = `sitrep-replay-${randomBytes(4).toString('hex')}.`;
    const bus = new KafkaBus({
      brokers: platform.kafkaBrokers,
      clientId: 'sitrep-replay',
      publishTimeoutMs: platform.publishTimeoutMs,
      security: platform.kafkaSecurity,
      durability: { minInsyncReplicas: platform.topicMinInsyncReplicas, allowWeak: platform.allowWeakTopics },
      logger,
    });
    try {
      return await run(bus, topicPrefix);
    } finally {
      const topics = replayTopics(topicPrefix);
      // A failed clean-up must not hide the replay's own result or error: say what is left.
      await bus.deleteTopics(topics).catch((error: unknown) => {
        logger.warn('could not delete the replay topics', { topics, error: (error as Error).message });
      });
      await bus.close();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-replay-'));
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger });
  try {
    return await run(bus, 'sitrep.');
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
