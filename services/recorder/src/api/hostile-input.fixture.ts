import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { incidentEventRecord } from '@sitrep/codec';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, type IncidentEvent } from '@sitrep/domain';
import type { IncidentStore } from '@sitrep/store';
import { createMemoryLogger } from '@sitrep/telemetry';
import { domainAlert, FakeClock, waitFor } from '@sitrep/testkit';
import {
  minute,
  publishEvents,
  READ_TOKEN,
  recorderConfig,
  startTestRecorder,
  tempDir,
  WRITE_TOKEN,
  type TestRecorder,
} from '../recorder-harness.fixture.js';

/** One open incident per service, each a single alert: services whose names are LIKE wildcards. */
function incidentsOn(services: readonly string[]): { id: string; service: string }[] & { events: IncidentEvent[] } {
  const correlator = new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, quietPeriodMs: 0 });
  const events: IncidentEvent[] = [];
  const opened: { id: string; service: string }[] = [];
  services.forEach((service, index) => {
    const alert = { alertname: 'HighErrorRate', service, severity: 'critical' };
    const emitted = correlator.applyAlert(domainAlert(alert, { starts: index, received: index + 0.5 }));
    events.push(...emitted);
    opened.push({ id: emitted[0]?.incidentId ?? '', service });
  });
  return Object.assign(opened, { events });
}

/**
 * What a careless or hostile reader can send the recorder's API, on a real recorder over `open`'s
 * store: every answer is 2xx or 4xx, never 500, and filters mean exactly what they say.
 */
export function describeHostileInput(name: string, open: () => Promise<IncidentStore>): void {
  describe(`recorder API under odd input: ${name}`, () => {
    let bus: EmbeddedBus;
    let recorder: TestRecorder;
    const incidents = incidentsOn(['users_db', 'users-db', 'usersXdb', '100%']);
    const idOf = (service: string): string => incidents.find((incident) => incident.service === service)?.id ?? '';

    beforeAll(async () => {
      const dir = tempDir();
      bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger: createMemoryLogger('error').logger });
      recorder = await startTestRecorder(recorderConfig({ SITREP_DATA_DIR: dir }), bus, {
        clock: new FakeClock(minute(60)),
        store: await open(),
      });
      await publishEvents(bus, 'sitrep.', incidents.events.map(incidentEventRecord));
      await waitFor(async () => (await recorder.store.listIncidents({ limit: 10 })).incidents.length === 4);
    });

    afterAll(async () => {
      await recorder.close();
      await recorder.store.close();
      await bus.close();
    });

    const listed = async (query: string): Promise<string[]> => {
      const { status, body } = await recorder.get(`/api/v1/incidents?${query}`);
      expect(status, query).toBe(200);
      return (body as { incidents: { id: string }[] }).incidents.map((incident) => incident.id).sort();
    };

    it('finds services by exact name: `_` and `%` are characters, not wildcards', async () => {
      expect(await listed('service=users_db')).toEqual([idOf('users_db')]);
      expect(await listed('service=users-db')).toEqual([idOf('users-db')]);
      expect(await listed('service=100%25')).toEqual([idOf('100%')]);
      for (const wildcard of ['users%25', '%25', '_', 'users_d', 'USERS_DB'])
        expect(await listed(`service=${wildcard}`)).toEqual([]);
    });

    it('answers 2xx or 4xx, never 500, to NUL, broken UTF-8 and odd values in query strings', async () => {
      const expected: Record<string, number> = {
        'service=%00': 200,
        'service=users_db%00': 200,
        'service=%FF%FE': 200,
        'service=%ED%A0%80': 200,
        'service=%F0%9F%92%A9': 200,
        'service=a&service=b': 400,
        'service=': 400,
        'since=': 400,
        'since=%00': 400,
        'since=%207d': 400,
        'until=2026-02-30': 400,
        'status=%00': 400,
        'severity=critical%00': 400,
        'limit=%00': 400,
        'limit=1e3': 400,
        'cursor=%00': 400,
        'cursor=garbage': 400,
        'cursor=0.AA': 200,
        'cursor=9999999.aW5jXwA': 200,
        'cursor=1.%ED%A0%80': 400,
      };
      for (const [query, status] of Object.entries(expected)) {
        expect((await recorder.get(`/api/v1/incidents?${query}`)).status, query).toBe(status);
      }
      const report = '/api/v1/reports/reliability';
      // Ranges reaching past year 0 or 9999 are clamped: the report's own times stay RFC 3339.
      const wide = await recorder.get(`${report}?since=999999w&until=9999-12-31T23:59:59.999-23:59`);
      expect(wide.status).toBe(200);
      expect(wide.body).toMatchObject({ since: '0000-01-01T00:00:00.000Z', until: '9999-12-31T23:59:59.999Z' });
      for (const query of ['since=%00', 'groupBy=%FF', 'until=', 'since=1d&since=2d'])
        expect((await recorder.get(`${report}?${query}`)).status, query).toBe(400);
    });

    it('answers 404, never 500, to NUL, broken UTF-8 and odd characters in path ids', async () => {
      const odd = [
        '%00',
        'inc%00',
        '%FF',
        '%ED%A0%80',
        '%C0%AF',
        '%E0%A4%A',
        '%25',
        'a%2Fb',
        '..%2F..',
        '%F0%9F%92%A9',
      ];
      for (const id of odd) {
        for (const suffix of ['', '/timeline', '/postmortem']) {
          const path = `/api/v1/incidents/${id}${suffix}`;
          expect((await recorder.get(path)).status, path).toBe(404);
        }
        const entry = { kind: 'note', author: 'oncall', text: 'x' };
        expect((await recorder.post(`/api/v1/incidents/${id}/entries`, entry)).status, id).toBe(404);
      }
    });

    it('takes time zones spelt as listed, and refuses every other spelling with 400', async () => {
      const postmortem = `/api/v1/incidents/${idOf('users_db')}/postmortem`;
      for (const zone of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires'])
        expect((await recorder.get(`${postmortem}?tz=${encodeURIComponent(zone)}`)).status, zone).toBe(200);
      for (const zone of ['europe/berlin', 'EUROPE/BERLIN', 'utc', 'Mars/Olympus', '+01:00', '%00', '%FF', ''])
        expect((await recorder.get(`${postmortem}?tz=${zone}`)).status, zone).toBe(400);
    });

    it('answers 409 to an entry id already used on another incident, 200 to a retry on the same', async () => {
      const entry = { id: `dup-${name}`, kind: 'note', author: 'oncall', text: 'checked the pool' };
      const first = `/api/v1/incidents/${idOf('users_db')}/entries`;
      expect((await recorder.post(first, entry)).status).toBe(201);
      expect((await recorder.post(first, entry)).status).toBe(200);
      const clash = await recorder.post(`/api/v1/incidents/${idOf('users-db')}/entries`, entry);
      expect(clash.status).toBe(409);
      expect(clash.body).toMatchObject({ error: { code: 'conflict', field: 'id' } });
      const timeline = await recorder.get(`/api/v1/incidents/${idOf('users-db')}/timeline`, READ_TOKEN);
      expect(JSON.stringify(timeline.body)).not.toContain(entry.id);
      expect(WRITE_TOKEN).not.toBe(READ_TOKEN);
    });
  });
}
