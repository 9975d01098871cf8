import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@sitrep/bus';
import { incidentEventMessage, incidentEventRecord } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { topicNames } from '@sitrep/contracts';
import { Correlator, DEFAULT_CORRELATION_SETTINGS, systemClock } from '@sitrep/domain';
import { alertValueImpact, loadRecorderConfig, startRecorder, type Recorder } from '@sitrep/recorder';
import { SqliteIncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import { domainAlert, waitFor } from '@sitrep/testkit';
import {
  formatDuration,
  formatTime,
  incidentsCommand,
  noteCommand,
  postmortemCommand,
  reportCommand,
  timelineCommand,
} from './incident-commands.js';
import { CliError, recorderClient } from './recorder-client.js';

// The commands against a real recorder (embedded bus, SQLite), as a terminal user runs them.
const TOKEN = 'cli-test-token';
const { logger } = createMemoryLogger('error');
const dir = mkdtempSync(join(tmpdir(), 'sitrep-cli-'));
let bus: EmbeddedBus;
let store: SqliteIncidentStore;
let recorder: Recorder;
let incidentId: string;

beforeAll(async () => {
  const reader = new EnvReader({ SITREP_DATA_DIR: dir, SITREP_RECORDER_PORT: '0', SITREP_API_TOKEN: TOKEN });
  const config = loadRecorderConfig(reader);
  reader.finish();
  bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger });
  store = new SqliteIncidentStore(join(dir, 'recorder.sqlite'));
  recorder = await startRecorder({
    config,
    bus,
    store,
    clock: systemClock,
    logger,
    registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
    impact: alertValueImpact,
  });
  await recorder.started;
  const correlator = new Correlator({ ...DEFAULT_CORRELATION_SETTINGS, quietPeriodMs: 0 });
  const errors = { alertname: 'AuthErrorRate', service: 'auth', severity: 'critical' };
  const records = [
    ...correlator.applyAlert(domainAlert(errors, { starts: 0, received: 2 }, { value: '0.3' })),
    ...correlator.applyAlert(domainAlert(errors, { starts: 0, received: 30, ends: 29 })),
  ].map(incidentEventRecord);
  incidentId = records[0]!.incidentId;
  await bus.start([]);
  await bus.publish(
    topicNames().incidents,
    records.map((record) => incidentEventMessage(record, {})),
  );
  await waitFor(async () => (await store.incident(incidentId))?.status === 'resolved');
});

afterAll(async () => {
  await recorder.close();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (token = TOKEN) => recorderClient({ SITREP_RECORDER_URL: recorder.url, SITREP_API_TOKEN: token });

describe('sitrep incident commands', () => {
  it('lists incidents as a table, or as JSON lines', async () => {
    const lines = await incidentsCommand(client(), { tz: 'UTC', json: false, status: 'resolved' });
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+SEVERITY\s+STARTED\s+DURATION\s+SERVICES$/);
    expect(lines[1]).toContain(incidentId);
    expect(lines[1]).toContain('2026-11-22 03:00:00 UTC');
    expect(lines[1]).toContain('29m 00s');
    const json = await incidentsCommand(client(), { tz: 'UTC', json: true });
    expect(JSON.parse(json[0]!)).toMatchObject({ id: incidentId, status: 'resolved' });
    expect(await incidentsCommand(client(), { tz: 'UTC', json: false, status: 'open' })).toEqual(['no incidents']);
  });

  it('adds a note and shows it on the timeline, in the zone asked for', async () => {
    const recorded = await noteCommand(client(), incidentId, 'rolled back the weights', {
      kind: 'mitigated',
      at: '2026-11-22T03:20:00Z',
      author: 'oncall',
    });
    expect(recorded[0]).toMatch(/^recorded mitigated at 2026-11-22T03:20:00.000Z/);
    const lines = await timelineCommand(client(), incidentId, { tz: 'Asia/Tokyo', json: false });
    expect(lines[1]).toBe('detect 2m 00s  acknowledge -  mitigate 20m 00s  resolve 29m 00s');
    expect(
      lines.some((line) =>
        /2026-11-22 12:20:00 GMT\+9\s+person\s+mitigated\s+rolled back the weights \(oncall\)/.test(line),
      ),
    ).toBe(true);
  });

  it('prints the reliability report and the postmortem', async () => {
    const report = await reportCommand(client(), { since: '2026-11-01', groupBy: 'service', json: false });
    expect(report[1]).toMatch(/^SERVICE\s+INCIDENTS\s+MTTD\s+MTTA\s+MTTM\s+MTTR$/);
    expect(report[2]).toMatch(/^auth\s+1\s+2m 00s \/ 2m 00s \/ 2m 00s\s+-\s+20m 00s/);
    const [markdown] = await postmortemCommand(client(), incidentId, 'Europe/Paris');
    expect(markdown).toContain('all times in Europe/Paris');
  });

  it('says what went wrong in one line: bad input, a bad token, an unreachable recorder', async () => {
    await expect(noteCommand(client(), incidentId, '', { kind: 'escalated' })).rejects.toThrow(
      /400: invalid request body: to: is required/,
    );
    await expect(incidentsCommand(client('wrong'), { tz: 'UTC', json: false })).rejects.toThrow(
      /401: invalid credentials/,
    );
    await expect(timelineCommand(client(), 'nope', { tz: 'UTC', json: false })).rejects.toThrow(
      /404: no incident nope/,
    );
    const unreachable = recorderClient({ SITREP_RECORDER_URL: 'http://127.0.0.1:9', SITREP_API_TOKEN: TOKEN });
    await expect(incidentsCommand(unreachable, { tz: 'UTC', json: false })).rejects.toBeInstanceOf(CliError);
  });

  it('formats durations and times for people', () => {
    expect([null, 45, 270, 3900, 183_600].map(formatDuration)).toEqual(['-', '45s', '4m 30s', '1h 05m', '2d 03h']);
    expect(formatTime('2026-03-29T01:30:00Z', 'Europe/London')).toBe('2026-03-29 02:30:00 BST');
  });
});
