import { afterEach, describe, expect, it } from 'vitest';
import { incidentEventRecord } from '@sitrep/codec';
import { IMPACT_START_SOURCES as WIRE_SOURCES, openApiDocument } from '@sitrep/contracts';
import {
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  IMPACT_START_SOURCES,
  type AlertCondition,
  type IncidentEvent,
} from '@sitrep/domain';
import { domainAlert, FakeClock, openApiChecker, waitFor } from '@sitrep/testkit';
import {
  entryRecord,
  minute,
  publishEntries,
  READ_TOKEN,
  startEmbeddedTestRecorder,
  type EmbeddedTestRecorder,
} from './recorder-harness.fixture.js';

// HighErrorRate's rule has for: 5m. Prometheus listed it pending from minute 0, fired it at 5;
// Sitrep received it at 5.5 and it resolved at 20. Time to detect is 5.5 minutes, not half of one.

const errors = { alertname: 'HighErrorRate', service: 'auth', severity: 'critical' };
const checker = openApiChecker(openApiDocument);

function outage(condition?: AlertCondition): IncidentEvent[] {
  const correlator = new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, quietPeriodMs: 0 });
  const withCondition = <T extends object>(alert: T) => (condition === undefined ? alert : { ...alert, condition });
  return [
    ...correlator.applyAlert(withCondition(domainAlert(errors, { starts: 5, received: 5.5 }, { value: '0.3' }))),
    ...correlator.applyAlert(withCondition(domainAlert(errors, { starts: 5, received: 20.5, ends: 20 }))),
  ];
}

let recorder: EmbeddedTestRecorder | undefined;
afterEach(async () => {
  await recorder?.close();
  recorder = undefined;
});

async function recorded(events: readonly IncidentEvent[]) {
  recorder = await startEmbeddedTestRecorder(new FakeClock(minute(60)));
  await recorder.record(events.map(incidentEventRecord));
  return { running: recorder, incidentId: events[0]?.incidentId ?? '' };
}

/** The incident's detail, checked against the OpenAPI document. */
async function detail(running: EmbeddedTestRecorder, incidentId: string) {
  const response = await fetch(`${running.recorder.url}/api/v1/incidents/${incidentId}`, {
    headers: { authorization: `Bearer ${READ_TOKEN}` },
  });
  const text = await response.text();
  checker.checkResponse('get', '/api/v1/incidents/{id}', response, text);
  return JSON.parse(text) as {
    moments: { startedAt: string };
    impactStartSource: string;
    durations: { timeToDetect: number };
  };
}

describe("the recorder's impact start", () => {
  it('is when Prometheus listed the alert pending: detail, list, report, timeline and postmortem agree', async () => {
    const { running, incidentId } = await recorded(outage({ since: minute(0), source: 'prometheus_active' }));
    expect(await detail(running, incidentId)).toMatchObject({
      moments: { startedAt: minute(0).toISOString() },
      impactStartSource: 'prometheus_active',
      durations: { timeToDetect: 330, timeToResolve: 20 * 60 },
    });
    // Store rows are folded from the events at apply time: the list and the reports say the same.
    expect((await running.store.incident(incidentId))?.startedAt).toEqual(minute(0));
    const list = await running.get('/api/v1/incidents');
    expect(list.body).toMatchObject({ incidents: [{ id: incidentId, startedAt: minute(0).toISOString() }] });
    const report = await running.get('/api/v1/reports/reliability?groupBy=none&since=2026-11-01');
    expect(report.body).toMatchObject({ groups: [{ timeToDetect: { count: 1, mean: 330 } }] });
    const timeline = (await running.get(`/api/v1/incidents/${incidentId}/timeline`)).body as {
      entries: { at: string; kind: string; text: string }[];
    };
    expect(timeline.entries[0]).toEqual(
      expect.objectContaining({
        at: minute(0).toISOString(),
        kind: 'impact_started',
        text: "Impact began: HighErrorRate's condition on auth held, 5m 00s before the alert fired (when Prometheus listed the alert pending)",
      }),
    );
    const postmortem = await running.get(`/api/v1/incidents/${incidentId}/postmortem`);
    expect(postmortem.text).toContain(
      "**Start of impact:** 2026-11-22 03:00:00 UTC+00:00 (when HighErrorRate's condition began: Prometheus listed the alert pending)",
    );
  });

  it("is the alert's startsAt for events without a condition (written before it existed)", async () => {
    const { running, incidentId } = await recorded(outage());
    expect(await detail(running, incidentId)).toMatchObject({
      moments: { startedAt: minute(5).toISOString() },
      impactStartSource: 'alert_startsAt',
      durations: { timeToDetect: 30 },
    });
  });

  it("is a person's impact_started when one is recorded", async () => {
    const { running, incidentId } = await recorded(outage({ since: minute(0), source: 'correlation_file' }));
    await publishEntries(running.bus, 'sitrep.', [entryRecord(incidentId, 'impact_started', -10)]);
    const overridden = await waitFor(async () => {
      const read = await detail(running, incidentId);
      return read.impactStartSource === 'person' && read;
    });
    expect(overridden).toMatchObject({
      moments: { startedAt: minute(-10).toISOString() },
      durations: { timeToDetect: 15.5 * 60 },
    });
  });

  it('names the same sources on the wire as in the domain', () => {
    expect([...WIRE_SOURCES]).toEqual([...IMPACT_START_SOURCES]);
  });
});
