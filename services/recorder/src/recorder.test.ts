import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { topicNames } from '@sitrep/contracts';
import { createMemoryLogger, metricNameProblems } from '@sitrep/telemetry';
import { FakeClock, waitFor } from '@sitrep/testkit';
import {
  minute,
  lbOutageRecords,
  publishEvents,
  READ_TOKEN,
  recorderConfig,
  startTestRecorder,
  tempDir,
  type TestRecorder,
} from './recorder-harness.fixture.js';
import { sampleValue } from './exposition.fixture.js';
import { DEPRECATED_METRIC_ALIASES } from './metrics.js';

const topics = topicNames('sitrep.');
let dir: string;
let bus: EmbeddedBus;
let clock: FakeClock;
let recorder: TestRecorder;
const records = lbOutageRecords();
const incidentId = records[0]!.incidentId;

interface ErrorBody {
  error: { code: string; field?: string };
}

beforeEach(async () => {
  dir = tempDir();
  bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
  clock = new FakeClock(minute(60));
  recorder = await startTestRecorder(recorderConfig({ SITREP_DATA_DIR: dir }), bus, { clock });
  await publishEvents(bus, 'sitrep.', records);
  await waitFor(async () => (await recorder.store.incident(incidentId))?.lastSequence === records.length);
});

afterEach(async () => {
  await recorder.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recorder API', () => {
  it('lists and describes the incident its events built', async () => {
    const list = await recorder.get('/api/v1/incidents');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      incidents: [{ id: incidentId, status: 'resolved', severity: 'critical', services: ['auth-lb', 'auth'] }],
      nextCursor: null,
    });
    const detail = await recorder.get(`/api/v1/incidents/${incidentId}`);
    expect(detail.body).toMatchObject({
      id: incidentId,
      status: 'resolved',
      signals: ['load_imbalance', 'error_rate', 'latency'],
      moments: {
        startedAt: minute(0).toISOString(),
        detectedAt: minute(1).toISOString(),
        acknowledgedAt: null,
        resolvedAt: minute(32).toISOString(),
      },
      durations: { timeToDetect: 60, timeToAcknowledge: null, timeToResolve: 1920, duration: 1920 },
      impact: { source: 'alerts', affected: { of: 'requests' } },
      waitingEvents: 0,
    });
    expect(
      (detail.body as { probableCause: { signal: string }[] }).probableCause.map((hint) => hint.signal).slice(0, 2),
    ).toEqual(['change', 'load_imbalance']);
  });

  it('filters and pages the list, naming a bad parameter', async () => {
    expect((await recorder.get('/api/v1/incidents?status=open')).body).toEqual({ incidents: [], nextCursor: null });
    expect((await recorder.get('/api/v1/incidents?service=auth&severity=critical&since=2d')).body).toMatchObject({
      incidents: [{ id: incidentId }],
    });
    const bad = await recorder.get('/api/v1/incidents?status=gone&limit=0&since=yesterday');
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual([
      'status',
      'since',
      'limit',
    ]);
    const cursor = await recorder.get('/api/v1/incidents?cursor=nonsense');
    expect(cursor.status).toBe(400);
    expect((cursor.body as ErrorBody).error).toMatchObject({ code: 'invalid_query', field: 'cursor' });
  });

  it('adds people’s entries to the timeline, on the bus first, and moves the moments', async () => {
    const acknowledged = await recorder.post(`/api/v1/incidents/${incidentId}/entries`, {
      id: 'ack-1',
      kind: 'acknowledged',
      at: minute(4).toISOString(),
      author: 'oncall@example.com',
      text: 'looking',
    });
    expect(acknowledged.status).toBe(201);
    expect(acknowledged.body).toMatchObject({
      entry: { id: 'ack-1', kind: 'acknowledged', at: minute(4).toISOString(), recordedAt: minute(60).toISOString() },
      incident: { acknowledgedAt: minute(4).toISOString() },
    });
    const again = await recorder.post(`/api/v1/incidents/${incidentId}/entries`, {
      id: 'ack-1',
      kind: 'acknowledged',
      author: 'oncall@example.com',
      text: 'looking',
    });
    expect(again.status).toBe(200);
    await recorder.post(`/api/v1/incidents/${incidentId}/entries`, {
      kind: 'escalated',
      at: minute(6).toISOString(),
      author: 'oncall@example.com',
      text: '',
      to: 'identity team',
    });
    const timeline = (await recorder.get(`/api/v1/incidents/${incidentId}/timeline`)).body as {
      entries: { kind: string; source: string; at: string; text: string; author: string | null }[];
    };
    const people = timeline.entries.filter((entry) => entry.source === 'person');
    expect(people).toEqual([
      {
        id: 'ack-1',
        kind: 'acknowledged',
        source: 'person',
        at: minute(4).toISOString(),
        text: 'looking',
        author: 'oncall@example.com',
      },
      expect.objectContaining({ kind: 'escalated', text: 'Escalated to identity team' }),
    ]);
    const times = timeline.entries.map((entry) => entry.at);
    expect([...times].sort()).toEqual(times);
    expect(new Set(timeline.entries.map((entry) => entry.source))).toEqual(
      new Set(['change', 'alert', 'system', 'person']),
    );
    const onBus = await bus.readAll(topics.entries);
    expect(onBus.map((message) => (JSON.parse(message.value) as { kind: string }).kind)).toEqual([
      'acknowledged',
      'escalated',
    ]);
    const detail = (await recorder.get(`/api/v1/incidents/${incidentId}`)).body as { durations: object };
    expect(detail.durations).toMatchObject({ timeToAcknowledge: 180 });
  });

  it('rejects bad entries naming the field, the future, and unknown incidents', async () => {
    const path = `/api/v1/incidents/${incidentId}/entries`;
    const wrongKind = await recorder.post(path, { kind: 'fixed', author: 'a', text: 'x' });
    expect(wrongKind.status).toBe(400);
    expect((wrongKind.body as ErrorBody).error).toMatchObject({ code: 'invalid_payload', field: 'kind' });
    const future = await recorder.post(path, { kind: 'note', author: 'a', text: 'x', at: minute(62).toISOString() });
    expect((future.body as ErrorBody).error).toMatchObject({ code: 'invalid_payload', field: 'at' });
    const unknown = await recorder.post('/api/v1/incidents/nope/entries', { kind: 'note', author: 'a', text: 'x' });
    expect(unknown.status).toBe(404);
    expect((await recorder.get('/api/v1/incidents/nope')).status).toBe(404);
    expect((await recorder.get('/api/v1/incidents/nope/timeline')).status).toBe(404);
    expect(await bus.readAll(topics.entries)).toEqual([]);
  });

  it('wants a token: read-only reads, only the write token writes; health, metrics and the API document stay open', async () => {
    const none = await fetch(`${recorder.recorder.url}/api/v1/incidents`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await recorder.get('/api/v1/incidents', 'wrong')).status).toBe(401);
    const readOnlyWrite = await recorder.post(
      `/api/v1/incidents/${incidentId}/entries`,
      { kind: 'note', author: 'a', text: 'x' },
      READ_TOKEN,
    );
    expect(readOnlyWrite.status).toBe(403);
    expect((readOnlyWrite.body as ErrorBody).error.code).toBe('forbidden');
    for (const open of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await fetch(`${recorder.recorder.url}${open}`)).status).toBe(200);
    }
  });

  it('reports MTTD / MTTA / MTTR by group, naming a bad parameter', async () => {
    const report = await recorder.get('/api/v1/reports/reliability?groupBy=severity&since=2026-11-01');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      groupBy: 'severity',
      incidents: 1,
      groups: [
        {
          key: 'critical',
          incidents: 1,
          timeToDetect: { count: 1, mean: 60, median: 60, p90: 60 },
          timeToAcknowledge: { count: 0, mean: null },
          timeToResolve: { count: 1, mean: 1920 },
        },
      ],
    });
    const bad = await recorder.get('/api/v1/reports/reliability?groupBy=team');
    expect((bad.body as ErrorBody).error).toMatchObject({ code: 'invalid_query', field: 'groupBy' });
  });

  it('drafts the postmortem in the requested zone, naming a bad zone', async () => {
    const draft = await recorder.get(`/api/v1/incidents/${incidentId}/postmortem?tz=Europe/Berlin`);
    expect(draft.status).toBe(200);
    expect(draft.text).toContain('## Timeline');
    expect(draft.text).toContain('Europe/Berlin');
    const bad = await recorder.get(`/api/v1/incidents/${incidentId}/postmortem?tz=Mars/Olympus`);
    expect((bad.body as ErrorBody).error).toMatchObject({ code: 'invalid_query', field: 'tz' });
  });

  it('sends a record it cannot read to the dead-letter topic with the reason, and goes on', async () => {
    await bus.publish(topics.incidents, [{ key: 'x', value: '{"schema":"sitrep.incident-event.v1","id":1}' }]);
    await bus.publish(topics.incidents, [{ key: 'y', value: 'not json' }]);
    await waitFor(async () => (await bus.readAll(topics.deadLetter)).length === 2);
    const dead = await bus.readAll(topics.deadLetter);
    expect(dead.map((message) => message.headers['sitrep-dead-letter-reason'])).toEqual([
      'schema_violation',
      'invalid_json',
    ]);
    await waitFor(async () =>
      /sitrep_recorder_dead_letters_total\{reason="invalid_json"[^}]*\} 1/.test(await recorder.registry.metrics()),
    );
  });

  it('exports the phase histograms and the open-incident gauge, also under their old names for one release', async () => {
    const metrics = await recorder.registry.metrics();
    // The incident's service and the recorder's own name are separate labels: neither overrides the other.
    const labels = (severity: string) => ({ service: 'auth-lb', severity, sitrep_service: 'recorder' });
    for (const prefix of ['sitrep_recorder_incident_time_to', 'sitrep_incident_time_to']) {
      expect(sampleValue(metrics, `${prefix}_detect_seconds_count`, labels('warning')), prefix).toBe(1);
      expect(sampleValue(metrics, `${prefix}_resolve_seconds_sum`, labels('critical')), prefix).toBe(1920);
    }
    expect(metrics).toMatch(/# TYPE sitrep_recorder_open_incidents gauge/);
    expect(metrics).toMatch(/# TYPE sitrep_incidents_open gauge/);
  });

  it('names every metric it registers sitrep_recorder_<name>_<unit>, but for the deprecated aliases', () => {
    expect(
      metricNameProblems(recorder.registry, { subsystems: ['recorder'], exempt: DEPRECATED_METRIC_ALIASES.keys() }),
    ).toEqual([]);
  });
});
