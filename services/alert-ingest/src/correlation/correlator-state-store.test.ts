import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { correlatorStateMessage, correlatorStateRecord } from '@sitrep/codec';
import { topicNames } from '@sitrep/contracts';
import { Correlator, snapshotFromParts } from '@sitrep/domain';
import { firing, lbOutageSettings } from '@sitrep/domain/testing';
import { createMemoryLogger } from '@sitrep/telemetry';
import { CorrelatorStateStore } from './correlator-state-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const topics = topicNames();
const compacted = { 'cleanup.policy': 'compact' };

async function embeddedBus(): Promise<EmbeddedBus> {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-state-store-'));
  dirs.push(dir);
  const bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  await bus.start([
    { name: topics.correlatorState, partitions: 1, replicationFactor: -1, config: compacted },
    { name: topics.correlatorStateParts, partitions: 1, replicationFactor: -1, config: compacted },
  ]);
  return bus;
}

describe('CorrelatorStateStore', () => {
  it('upgrades a whole snapshot of an earlier release into parts once, and removes the snapshot', async () => {
    const bus = await embeddedBus();
    const settings = lbOutageSettings();
    const store = new CorrelatorStateStore(
      bus,
      { parts: topics.correlatorStateParts, snapshots: topics.correlatorState },
      settings,
      createMemoryLogger('error').logger,
    );
    const earlier = new Correlator(settings);
    earlier.applyAlert(firing({ labels: { alertname: 'HighErrorRate', service: 'auth' }, starts: 1 }, 2));
    await bus.publish(topics.correlatorState, [
      correlatorStateMessage(correlatorStateRecord(0, 7n, earlier.snapshot())),
    ]);

    const upgraded = await store.restore(0);
    expect(upgraded).toMatchObject({ nextOffset: 7n, upgraded: true });
    const writer = await bus.transactionalWriter('test-writer');
    await writer.commit(store.writes(0, upgraded, 7n));

    const again = await store.restore(0);
    expect(again).toMatchObject({ nextOffset: 7n, upgraded: false });
    expect(snapshotFromParts(again.correlator.allParts())).toEqual(snapshotFromParts(earlier.allParts()));
    expect(await bus.readAll(topics.correlatorState)).toEqual([]);
    await writer.close();
    await bus.close();
  });

  it('restores an empty state at offset 0 for a partition never saved', async () => {
    const bus = await embeddedBus();
    const store = new CorrelatorStateStore(
      bus,
      { parts: topics.correlatorStateParts, snapshots: topics.correlatorState },
      lbOutageSettings(),
      createMemoryLogger('error').logger,
    );
    const restored = await store.restore(0);
    expect(restored).toMatchObject({ nextOffset: 0n, upgraded: false });
    expect(restored.correlator.openIncidentCount()).toBe(0);
    await bus.close();
  });
});
