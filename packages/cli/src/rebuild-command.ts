import { EnvReader, readPlatformSettings, type Env } from '@sitrep/config';
import { loadStoreSettings, rebuild, recorderTopics } from '@sitrep/recorder';
import { openIncidentStore } from '@sitrep/store';
import { commandBus } from './command-bus.js';

/**
 * `sitrep rebuild`: the recorder's store from the incidents and timeline-entries topics, into an
 * empty database (SITREP_RECORDER_SQLITE or SITREP_DATABASE_URL). Run it with the recorder stopped
 * or pointed elsewhere.
 */
export async function rebuildCommand(env: Env): Promise<string[]> {
  const reader = new EnvReader(env);
  const platform = readPlatformSettings(reader);
  const storeSettings = loadStoreSettings(reader, platform.dataDir);
  reader.finish([]);
  const bus = commandBus(platform, 'sitrep-rebuild');
  const store = openIncidentStore(storeSettings);
  try {
    await bus.start(recorderTopics({ platform }));
    const result = await rebuild(bus, store, platform.topicPrefix);
    const line = (what: string, t: typeof result.events) =>
      `${what}: ${t.applied} applied, ${t.waiting} waiting for earlier ones, ${t.duplicate} duplicates, ${t.unreadable} unreadable`;
    return [
      `rebuilt ${result.incidents} incidents into the ${store.kind} store`,
      line('incident events', result.events),
      line('timeline entries', result.entries),
    ];
  } finally {
    await bus.close();
    await store.close();
  }
}
