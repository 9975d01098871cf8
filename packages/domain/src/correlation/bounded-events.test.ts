import { describe, expect, it } from 'vitest';
import { change, firing } from '../testing/alert-builder.js';
import { Correlator } from './correlator.js';
import type { IncidentEvent } from './incident-event.js';
import { MAX_CAUSE_HINTS, MAX_REASON_LENGTH } from './probable-cause.js';
import { DEFAULT_CORRELATION_SETTINGS } from './settings.js';
import { DependencyMap } from './dependency-map.js';

// Every event the correlator publishes stays under a bounded size, whatever the incident grows
// to: a record over the broker's limit would stall its partition.

const ranked = (events: readonly IncidentEvent[]) =>
  events.filter(
    (event): event is Extract<IncidentEvent, { type: 'incident.cause_ranked' }> =>
      event.type === 'incident.cause_ranked',
  );

describe('bounded incident events', () => {
  it('keeps the first hints of a ranking over many services, and clips long reasons', () => {
    const services = Array.from({ length: 60 }, (_, index) => `svc-${String(index).padStart(2, '0')}`);
    const settings = {
      ...DEFAULT_CORRELATION_SETTINGS,
      dependencies: new DependencyMap(services.slice(1).map((service) => ['svc-00', service] as const)),
    };
    const correlator = new Correlator(settings);
    const events = [
      ...correlator.applyChange(change('svc-00', 'deploy', 'x'.repeat(10_000), -1, -1)),
      ...services.flatMap((service, index) =>
        correlator.applyAlert(
          firing({ labels: { alertname: 'HighErrorRate', service, severity: 'critical' }, starts: index }, index + 0.5),
        ),
      ),
    ];
    const last = ranked(events).at(-1);
    expect(last?.data.hints).toHaveLength(MAX_CAUSE_HINTS);
    for (const event of ranked(events)) {
      for (const hint of event.data.hints) expect(hint.reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
    }
    expect(last?.data.hints[0]?.signal).toBe('change');
  });
});
