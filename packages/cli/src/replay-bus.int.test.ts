import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '@sitrep/bus';
import { EnvReader, readPlatformSettings } from '@sitrep/config';
import { parseDeliveries, replay, replayTopics } from '@sitrep/alert-ingest';
import { DEFAULT_CORRELATION_SETTINGS } from '@sitrep/domain';
import { createMemoryLogger } from '@sitrep/telemetry';
import { testKafkaBrokers, waitFor } from '@sitrep/testkit';
import { backtestCommand } from './backtest-command.js';
import { withReplayBus } from './replay-bus.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const { logger } = createMemoryLogger('error');
const env = () => ({ KAFKA_BROKERS: testKafkaBrokers() });

const probe = new KafkaBus({
  brokers: [testKafkaBrokers()],
  clientId: 'replay-bus-probe',
  publishTimeoutMs: 10_000,
  logger,
});
afterAll(() => probe.close());

/** Resolves once the broker no longer knows the topic (deletion completes asynchronously). */
async function gone(topic: string): Promise<void> {
  await probe.start([]);
  await waitFor(
    async () => {
      try {
        return (await probe.partitionCount(topic)) === 0;
      } catch {
        return true;
      }
    },
    { description: `${topic} deleted`, timeoutMs: 30_000, intervalMs: 200 },
  );
}

describe('replays on Kafka leave no topics behind', () => {
  it('deletes the topics a replay made, after it succeeded and after it failed', async () => {
    const platform = readPlatformSettings(new EnvReader(env()));
    const deliveries = parseDeliveries(readFileSync(fixture('lb-outage.ndjson'), 'utf8'));
    let prefix = '';
    const result = await withReplayBus(platform, logger, async (bus, topicPrefix) => {
      prefix = topicPrefix;
      return replay(deliveries, { bus, topicPrefix, settings: DEFAULT_CORRELATION_SETTINGS });
    });
    expect(result.alertRecords).toBe(8);
    expect(prefix).toMatch(/^sitrep-replay-[0-9a-f]{8}\.$/);
    for (const topic of replayTopics(prefix)) await gone(topic);

    let failedPrefix = '';
    await expect(
      withReplayBus(platform, logger, async (bus, topicPrefix) => {
        failedPrefix = topicPrefix;
        await replay(deliveries, { bus, topicPrefix, settings: DEFAULT_CORRELATION_SETTINGS });
        throw new Error('the scoring failed');
      }),
    ).rejects.toThrow('the scoring failed');
    for (const topic of replayTopics(failedPrefix)) await gone(topic);
  });

  it('backtests on Kafka as on the embedded bus', async () => {
    const truth = fixture('lb-outage.truth.json');
    const kafka = await backtestCommand(
      fixture('lb-outage.ndjson'),
      { truth, config: fixture('lb-outage.correlation.yml'), json: true },
      env(),
    );
    const embedded = await backtestCommand(
      fixture('lb-outage.ndjson'),
      { truth, config: fixture('lb-outage.correlation.yml'), json: true },
      {},
    );
    expect(kafka).toEqual(embedded);
    expect(JSON.parse(kafka[0] ?? '')).toMatchObject({ f1: 1, split: 0, merged: 0 });
  });
});
