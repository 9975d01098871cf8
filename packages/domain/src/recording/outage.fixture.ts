import { Correlator } from '../correlation/correlator.js';
import { DependencyMap } from '../correlation/dependency-map.js';
import type { IncidentEvent } from '../correlation/incident-event.js';
import { DEFAULT_CORRELATION_SETTINGS } from '../correlation/settings.js';
import { at, authErrors, authLatency, change, firing, lbImbalance, resolved } from '../correlation/timeline.fixture.js';

/** Default correlation with the balancer in front of auth. */
export const outageSettings = {
  ...DEFAULT_CORRELATION_SETTINGS,
  dependencies: new DependencyMap([['auth-lb', 'auth']]),
};

/**
 * The reference outage through the real correlator: change at -4, imbalance 0, errors 3, latency
 * 4, all resolved by 32 (unless `resolve` is false: then it is still open).
 */
export function outageEvents(resolve = true): IncidentEvent[] {
  const c = new Correlator(outageSettings);
  const events = [
    ...c.applyChange(change('auth-lb', 'config', 'lb weights 1:1:1 -> 5:1:1', -4, -4)),
    ...c.applyAlert(firing(lbImbalance, 1)),
    ...c.applyAlert(firing(authErrors, 3.5)),
    ...c.applyAlert(firing(authLatency, 4.5)),
  ];
  if (!resolve) return events;
  return [
    ...events,
    ...c.applyAlert(resolved(authErrors, 30, 30.5)),
    ...c.applyAlert(resolved(authLatency, 31, 31.5)),
    ...c.applyAlert(resolved(lbImbalance, 32, 33)),
    ...c.tick(at(40)),
  ];
}
