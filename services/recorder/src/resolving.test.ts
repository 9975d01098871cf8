import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentEventRecord } from '@sitrep/codec';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, type IncidentEvent } from '@sitrep/domain';
import { domainAlert, FakeClock } from '@sitrep/testkit';
import { minute, startEmbeddedTestRecorder, type EmbeddedTestRecorder } from './recorder-harness.fixture.js';

// An incident whose alerts have all resolved, in its quiet period: what the on-call engineer
// must read as "resolving", not "open", and not yet "resolved".

let recorder: EmbeddedTestRecorder;

const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };

function resolvingIncident(): IncidentEvent[] {
  const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
  return [
    ...correlator.applyAlert(domainAlert(errors, { starts: 0, received: 1 }, { value: '0.3' })),
    ...correlator.applyAlert(domainAlert(errors, { starts: 0, received: 10, ends: 9 })),
  ];
}

beforeEach(async () => {
  recorder = await startEmbeddedTestRecorder(new FakeClock(minute(12)));
});

afterEach(() => recorder.close());

describe('an incident in its quiet period', () => {
  it('reads as resolving with resolvesAt in the list filter and the detail, and counts as not yet resolved', async () => {
    const events = resolvingIncident();
    expect(events.at(-1)?.type).toBe('incident.resolving');
    const id = events[0]!.incidentId;
    await recorder.record(events.map(incidentEventRecord));

    const resolving = await recorder.get('/api/v1/incidents?status=resolving');
    expect(resolving.body).toMatchObject({ incidents: [{ id, status: 'resolving' }] });
    expect((await recorder.get('/api/v1/incidents?status=open')).body).toMatchObject({ incidents: [] });
    const detail = await recorder.get(`/api/v1/incidents/${id}`);
    expect(detail.body).toMatchObject({
      status: 'resolving',
      resolvesAt: minute(15).toISOString(),
      moments: { resolvedAt: null },
    });
    const metrics = await recorder.registry.metrics();
    expect(metrics).toMatch(/sitrep_recorder_open_incidents\{[^}]*service="auth"[^}]*\} 1/);
  });

  it('is open again, without resolvesAt, once an alert fires during the quiet period', async () => {
    const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
    const events = [
      ...correlator.applyAlert(domainAlert(errors, { starts: 0, received: 1 })),
      ...correlator.applyAlert(domainAlert(errors, { starts: 0, received: 10, ends: 9 })),
      ...correlator.applyAlert(domainAlert({ ...errors, alertname: 'HighLatencyP99' }, { starts: 11, received: 11.5 })),
    ];
    const id = events[0]!.incidentId;
    await recorder.record(events.map(incidentEventRecord));
    expect((await recorder.get(`/api/v1/incidents/${id}`)).body).toMatchObject({ status: 'open', resolvesAt: null });
  });
});
