import { readFileSync } from 'node:fs';
import type { Env } from '@sitrep/config';
import { parseDeliveries, parseSweep, parseTruthFile, replay, sweepSettings } from '@sitrep/alert-ingest';
import { incidentAlerts, scoreGrouping, type CorrelationSettings, type GroupingScore } from '@sitrep/domain';
import { withReplayBus } from './replay-bus.js';
import { commandLogger } from './command-bus.js';
import { replaySetup } from './replay-command.js';

export interface BacktestCommandOptions {
  /** The labelled truth (JSON). */
  readonly truth: string;
  /** A correlation file; overrides SITREP_CORRELATION_CONFIG. */
  readonly config?: string;
  /** `key=v1,v2,...`: one replay per value of that correlation file key. */
  readonly sweep?: string;
  readonly json: boolean;
}

/** One replay's score: under the settings as configured (setting null) or one swept value. */
export interface BacktestRow {
  readonly setting: { readonly key: string; readonly value: string } | null;
  readonly score: GroupingScore;
}

/**
 * Replays the deliveries once per setting, each through the same path as `sitrep replay` on a
 * bus of its own, and scores each grouping against the truth.
 */
export async function runBacktest(file: string, options: BacktestCommandOptions, env: Env): Promise<BacktestRow[]> {
  const setup = replaySetup(env, options.config);
  const truth = parseTruthFile(readFileSync(options.truth, 'utf8'), options.truth);
  const deliveries = parseDeliveries(readFileSync(file, 'utf8'));
  const points: { setting: BacktestRow['setting']; settings: CorrelationSettings }[] =
    options.sweep === undefined
      ? [{ setting: null, settings: setup.settings }]
      : sweepSettings(
          setup.correlationFile && { text: setup.correlationFile.content, source: setup.correlationFile.path },
          setup.scopeLabels,
          parseSweep(options.sweep),
        ).map(({ key, value, settings }) => ({ setting: { key, value }, settings }));
  const logger = commandLogger();
  const rows: BacktestRow[] = [];
  for (const { setting, settings } of points) {
    const { events } = await withReplayBus(setup.platform, logger, (bus, topicPrefix) =>
      replay(deliveries, { bus, topicPrefix, settings }),
    );
    const predicted = [...incidentAlerts(events)].map(([id, alerts]) => ({ id, alerts }));
    rows.push({ setting, score: scoreGrouping(predicted, truth) });
  }
  return rows;
}

/** One setting's score as `sitrep backtest --json` prints it: one object per line. */
export function backtestJson({ setting, score }: BacktestRow) {
  return {
    setting,
    precision: score.precision,
    recall: score.recall,
    f1: score.f1,
    incidents: score.incidents,
    trueIncidents: score.trueIncidents,
    split: score.splitIncidents.length,
    merged: score.mergedIncidents.length,
    missed: score.missed.length,
    occurrences: score.occurrences,
    unlabelled: score.unlabelled,
    reattached: score.reattached,
    pairs: score.pairs,
    splitIncidents: score.splitIncidents,
    mergedIncidents: score.mergedIncidents,
    missedAlerts: score.missed.map((missed) => ({ ...missed, startsAt: missed.startsAt.toISOString() })),
    shapes: score.shapes,
  };
}

const settingName = (row: BacktestRow): string =>
  row.setting === null ? 'as configured' : `${row.setting.key}=${row.setting.value}`;

const fixed = (value: number): string => value.toFixed(3);

/** Left-aligns the first column and right-aligns the others. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const labelOf = (ref: { id: string; shape: string | null }): string =>
  ref.shape === null ? ref.id : `${ref.id} (${ref.shape})`;

/** The readable report: one table row per setting, then what each setting split and merged. */
export function backtestText(rows: readonly BacktestRow[]): string[] {
  const lines = table(
    ['setting', 'incidents', 'true', 'precision', 'recall', 'f1', 'split', 'merged', 'missed'],
    rows.map((row) => [
      settingName(row),
      String(row.score.incidents),
      String(row.score.trueIncidents),
      fixed(row.score.precision),
      fixed(row.score.recall),
      fixed(row.score.f1),
      String(row.score.splitIncidents.length),
      String(row.score.mergedIncidents.length),
      String(row.score.missed.length),
    ]),
  );
  for (const row of rows) {
    const { score } = row;
    lines.push('', `${settingName(row)}:`);
    for (const split of score.splitIncidents) {
      lines.push(
        `  split   ${labelOf(split)} over ${split.parts.map((part) => `${part.incident} (${part.alerts})`).join(', ')}`,
      );
    }
    for (const merged of score.mergedIncidents) {
      lines.push(
        `  merged  ${merged.id} holds ${merged.trueIncidents.map((t) => `${labelOf(t)} ${t.alerts}`).join(', ')}`,
      );
    }
    if (score.missed.length > 0) {
      const incidents = [...new Set(score.missed.map((missed) => missed.incident))];
      lines.push(
        `  missed  ${score.missed.length} labelled alert occurrence(s) in no incident: ${incidents.join(', ')}`,
      );
    }
    if (score.reattached > 0) {
      lines.push(
        `  again   ${score.reattached} alert occurrence(s) attached to a second incident (counted in the first)`,
      );
    }
    if (score.splitIncidents.length + score.mergedIncidents.length + score.missed.length === 0) {
      lines.push('  no true incident split or merged, no labelled alert missed');
    }
    if (score.shapes.length > 0) {
      lines.push(
        ...table(
          ['  shape', 'true', 'split', 'merged', 'precision', 'recall', 'f1'],
          score.shapes.map((shape) => [
            `  ${shape.shape}`,
            String(shape.trueIncidents),
            String(shape.split),
            String(shape.merged),
            fixed(shape.precision),
            fixed(shape.recall),
            fixed(shape.f1),
          ]),
        ),
      );
    }
  }
  return lines;
}

/** `sitrep backtest <deliveries.ndjson> --truth <truth.json> [--config] [--sweep] [--json]`. */
export async function backtestCommand(file: string, options: BacktestCommandOptions, env: Env): Promise<string[]> {
  const rows = await runBacktest(file, options, env);
  return options.json ? rows.map((row) => JSON.stringify(backtestJson(row))) : backtestText(rows);
}
