import { describe, expect, it } from 'vitest';
import { Correlator } from './correlator.js';
import { DependencyMap } from './dependency-map.js';
import { rekeyCorrelatorStates } from './rekey.js';
import { DEFAULT_CORRELATION_SETTINGS } from './settings.js';
import { firing, resolved } from '../testing/index.js';

const lb = { labels: { alertname: 'LoadImbalance', service: 'auth-lb', severity: 'page' }, starts: 1 };
const errors = { labels: { alertname: 'AuthErrors', service: 'auth', severity: 'page' }, starts: 2 };
const db = { labels: { alertname: 'DbSaturation', service: 'users-db', severity: 'page' }, starts: 3 };

describe('rekeyCorrelatorStates', () => {
  it('moves each open incident to the partition of its new component, where its next alerts find it', () => {
    // Before: no dependency map, two partitions by service name.
    const before = DEFAULT_CORRELATION_SETTINGS;
    const oldPartition = (key: string): number => (key === 'auth-lb' ? 1 : 0);
    const states = [new Correlator(before), new Correlator(before)];
    const opened = [lb, errors, db].flatMap((spec) =>
      (states[oldPartition(spec.labels.service)] as Correlator).applyAlert(firing(spec, spec.starts)),
    );
    const ids = new Map(
      opened.filter((event) => event.type === 'incident.opened').map((event) => [event.data.service, event.incidentId]),
    );
    expect(ids.size).toBe(3);

    // After: auth-lb -> auth joins them in component "auth", and three partitions.
    const after = { ...before, dependencies: new DependencyMap([['auth-lb', 'auth']]) };
    const newPartition = (key: string): number => (key === 'auth' ? 2 : 0);
    const rekeyed = rekeyCorrelatorStates(
      states.map((state) => state.snapshot()),
      after,
      3,
      newPartition,
    );
    expect(rekeyed.map((snapshot) => snapshot.state.incidents.map(([id]) => id).sort())).toEqual([
      [ids.get('users-db')],
      [],
      [ids.get('auth-lb'), ids.get('auth')].sort(),
    ]);

    const auth = new Correlator(after, rekeyed[2]);
    const ended = [...auth.applyAlert(resolved(lb, 5, 5)), ...auth.applyAlert(resolved(errors, 6, 6))];
    expect(ended.filter((event) => event.type === 'incident.opened')).toEqual([]);
    expect(
      new Set(ended.filter((event) => event.type === 'incident.resolving').map((event) => event.incidentId)),
    ).toEqual(new Set([ids.get('auth-lb'), ids.get('auth')]));
    // Every partition keeps the stream's time: a restored correlator never goes back in time.
    expect(new Set(rekeyed.map((snapshot) => snapshot.state.now)).size).toBe(1);
  });
});
