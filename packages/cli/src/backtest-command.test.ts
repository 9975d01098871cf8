import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SweepError, TruthFileError } from '@sitrep/alert-ingest';
import { backtestCommand } from './backtest-command.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const deliveries = fixture('lb-outage.ndjson');
const correlation = fixture('lb-outage.correlation.yml');

const dir = mkdtempSync(join(tmpdir(), 'sitrep-backtest-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(content: unknown): string {
  files += 1;
  const path = join(dir, `file-${files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

// The reference outage's three alerts (fingerprints as Alertmanager computes them from the labels).
const imbalance = { fingerprint: 'ca892b4ea03f6fe3', startsAt: '2026-11-22T03:00:00Z' };
const errors = { fingerprint: '6dfb6dbbad0f52eb', startsAt: '2026-11-22T03:03:00Z' };
const latency = { fingerprint: 'ae7021869e6d38a4', startsAt: '2026-11-22T03:04:00.000Z' };
const oneOutage = file({ incidents: [{ id: 'lb-outage', shape: 'lb_outage', alerts: [imbalance, errors, latency] }] });

type Row = Record<string, unknown> & { setting: unknown; f1: number; split: number; merged: number };
const rows = (lines: string[]) => lines.map((line) => JSON.parse(line) as Row);

describe('sitrep backtest', () => {
  it('scores a grouping that matches the truth 1, with the documented fields', async () => {
    const [row] = rows(await backtestCommand(deliveries, { truth: oneOutage, config: correlation, json: true }, {}));
    expect(row).toMatchObject({
      setting: null,
      precision: 1,
      recall: 1,
      f1: 1,
      incidents: 1,
      trueIncidents: 1,
      split: 0,
      merged: 0,
      missed: 0,
      occurrences: 3,
      shapes: [{ shape: 'lb_outage', trueIncidents: 1, split: 0, merged: 0, f1: 1 }],
    });
  });

  it('without the dependency map the outage is split in two, and says over which incidents', async () => {
    // Sitrep: {imbalance} and {errors, latency}. True pairs 3, claimed 1 (right): P 1, R 1/3, F1 0.5.
    const [row] = rows(await backtestCommand(deliveries, { truth: oneOutage, json: true }, {}));
    expect(row).toMatchObject({ precision: 1, recall: 1 / 3, f1: 0.5, incidents: 2, split: 1, merged: 0 });
    expect(row?.splitIncidents).toEqual([
      {
        id: 'lb-outage',
        shape: 'lb_outage',
        unambiguous: null,
        parts: [
          { incident: expect.stringMatching(/^inc_/) as unknown, alerts: 1 },
          { incident: expect.stringMatching(/^inc_/) as unknown, alerts: 2 },
        ],
      },
    ]);
  });

  it('names a merge: a truth that calls the balancer a separate incident', async () => {
    const truth = file({
      incidents: [
        { id: 'balancer', alerts: [imbalance] },
        { id: 'auth', alerts: [errors, latency] },
      ],
    });
    const [row] = rows(await backtestCommand(deliveries, { truth, config: correlation, json: true }, {}));
    // Claimed 3 pairs, 1 right (errors-latency); true pairs 1, found. P 1/3, R 1, F1 0.5.
    expect(row).toMatchObject({ precision: 1 / 3, recall: 1, f1: 0.5, merged: 1, split: 0 });
    expect(row?.mergedIncidents).toEqual([
      {
        id: expect.stringMatching(/^inc_/) as unknown,
        trueIncidents: [
          { id: 'balancer', shape: null, unambiguous: null, alerts: 1 },
          { id: 'auth', shape: null, unambiguous: null, alerts: 2 },
        ],
      },
    ]);
  });

  it('sweeps a correlation setting through the correlation file parser, one row per value', async () => {
    const lines = await backtestCommand(
      deliveries,
      { truth: oneOutage, config: correlation, sweep: 'windows.group=5m,10m', json: true },
      {},
    );
    expect(rows(lines).map((row) => [row.setting, row.f1])).toEqual([
      [{ key: 'windows.group', value: '5m' }, 1],
      [{ key: 'windows.group', value: '10m' }, 1],
    ]);
    // Sweeping the dependency map's absence is a sweep too: without a file, the defaults are swept.
    const defaults = rows(
      await backtestCommand(deliveries, { truth: oneOutage, sweep: 'windows.reopen=1m', json: true }, {}),
    );
    expect(defaults.map((row) => row.split)).toEqual([1]);
  });

  it('prints a readable table and what was split', async () => {
    const lines = await backtestCommand(deliveries, { truth: oneOutage, sweep: 'windows.group=5m', json: false }, {});
    expect(lines[0]).toMatch(/^setting\s+incidents\s+true\s+precision\s+recall\s+f1\s+split\s+merged\s+missed$/);
    expect(lines[1]).toMatch(/^windows\.group=5m\s+2\s+1\s+1\.000\s+0\.333\s+0\.500\s+1\s+0\s+0$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}split {3}lb-outage \(lb_outage\) over inc_\w+ \(1\), inc_\w+ \(2\)$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}lb_outage\s+1\s+1\s+0\s+1\.000\s+0\.333\s+0\.500$/));
  });

  it('counts labelled occurrences Sitrep never saw as missed', async () => {
    const unseen = { fingerprint: '0000000000000001', startsAt: '2026-11-22T03:05:00Z' };
    const truth = file({ incidents: [{ id: 'lb-outage', alerts: [imbalance, errors, latency, unseen] }] });
    const [row] = rows(await backtestCommand(deliveries, { truth, config: correlation, json: true }, {}));
    // True pairs C(4,2) = 6; Sitrep holds 3 of the 4 together: 3 pairs, all right. R 0.5.
    expect(row).toMatchObject({ precision: 1, recall: 0.5, missed: 1, split: 0 });
    expect(row?.missedAlerts).toEqual([{ incident: 'lb-outage', ...unseen, startsAt: '2026-11-22T03:05:00.000Z' }]);
  });

  it('names the field at fault in the truth file', async () => {
    const fieldOf = async (truth: unknown): Promise<string> => {
      try {
        await backtestCommand(deliveries, { truth: file(truth), json: true }, {});
      } catch (error) {
        expect(error).toBeInstanceOf(TruthFileError);
        return (error as TruthFileError).field;
      }
      throw new Error('expected a TruthFileError');
    };
    expect(await fieldOf('{"incidents": [')).toBe('(file)');
    expect(await fieldOf([])).toBe('(file)');
    expect(await fieldOf({ incidents: [] })).toBe('incidents');
    expect(await fieldOf({ incidents: [{ alerts: [imbalance] }] })).toBe('incidents[0].id');
    expect(
      await fieldOf({ incidents: [{ id: 'a', alerts: [imbalance, { fingerprint: 'f', startsAt: 'today' }] }] }),
    ).toBe('incidents[0].alerts[1].startsAt');
    expect(await fieldOf({ incidents: [{ id: 'a', alerts: [{ startsAt: imbalance.startsAt }] }] })).toBe(
      'incidents[0].alerts[0].fingerprint',
    );
    expect(
      await fieldOf({
        incidents: [
          { id: 'a', alerts: [imbalance] },
          { id: 'a', alerts: [errors] },
        ],
      }),
    ).toBe('incidents[1].id');
    expect(
      await fieldOf({
        incidents: [
          { id: 'a', alerts: [imbalance] },
          { id: 'b', alerts: [errors, { ...imbalance }] },
        ],
      }),
    ).toBe('incidents[1].alerts[1]');
    expect(await fieldOf({ incidents: [{ id: 'a', unambiguous: 'yes', alerts: [imbalance] }] })).toBe(
      'incidents[0].unambiguous',
    );
  });

  it('refuses a sweep of an unknown key or a bad value, naming it', async () => {
    const sweepError = async (sweep: string): Promise<string> => {
      try {
        await backtestCommand(deliveries, { truth: oneOutage, config: correlation, sweep, json: true }, {});
      } catch (error) {
        expect(error).toBeInstanceOf(SweepError);
        return (error as Error).message;
      }
      throw new Error('expected a SweepError');
    };
    expect(await sweepError('windows.grop=5m')).toContain('windows.grop: is not a known key');
    expect(await sweepError('windows.group=5m,soon')).toContain('windows.group: must be a duration');
    expect(await sweepError('windows.group')).toContain('must read key=value1,value2');
    expect(await sweepError('dependencies.x=1')).toContain('dependencies is not a section of keys');
  });
});
