import { readFileSync } from 'node:fs';
import { Histogram, Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecorderMetrics, DEPRECATED_METRIC_ALIASES, PHASES } from './metrics.js';

// The dashboard users import (deploy/grafana) plots the recorder's metrics: renaming a metric or
// one of its labels here must break the build, not the dashboard.
const DASHBOARD = new URL('../../../deploy/grafana/sitrep-reliability.json', import.meta.url);

interface Target {
  readonly expr?: string;
  readonly refId?: string;
}
interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly uid?: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query: unknown;
}
interface Dashboard {
  readonly schemaVersion: number;
  readonly uid: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
}

interface RecorderSeries {
  /** Every series the recorder exposes, with its labels: a histogram as its _bucket, _sum and _count. */
  readonly current: ReadonlyMap<string, ReadonlySet<string>>;
  /** The series of deprecated aliases, with the series that replaces each: exported, never to be queried. */
  readonly deprecated: ReadonlyMap<string, string>;
}

async function recorderSeries(): Promise<RecorderSeries> {
  const registry = new Registry();
  createRecorderMetrics(registry, {
    openIncidentCounts: () => Promise.resolve([]),
    waitingEvents: () => Promise.resolve({ count: 0, oldestOccurredAt: null }),
  });
  const series = new Map<string, ReadonlySet<string>>();
  const deprecated = new Map<string, string>();
  for (const { name } of await registry.getMetricsAsJSON()) {
    const metric = registry.getSingleMetric(name);
    // prom-client keeps the configured label names on the metric; its types do not declare them.
    const labelNames = (metric as unknown as { labelNames?: unknown }).labelNames;
    if (!Array.isArray(labelNames)) throw new Error(`no label names on ${name}`);
    const labels = labelNames.map(String);
    const replacement = DEPRECATED_METRIC_ALIASES.get(name);
    if (replacement !== undefined) {
      const suffixes = metric instanceof Histogram ? ['_bucket', '_sum', '_count'] : [''];
      for (const suffix of suffixes) deprecated.set(`${name}${suffix}`, `${replacement}${suffix}`);
    } else if (metric instanceof Histogram) {
      series.set(`${name}_bucket`, new Set([...labels, 'le']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else {
      series.set(name, new Set(labels));
    }
  }
  return { current: series, deprecated };
}

const FUNCTIONS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'topk',
  'bottomk',
  'increase',
  'rate',
  'irate',
  'delta',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'abs',
  'round',
  'vector',
  'scalar',
  'time',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OPERATORS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

interface Usage {
  readonly metrics: readonly string[];
  /** Label matchers, with the metric they select (`metric{label="..."}`). */
  readonly matchers: readonly { readonly metric: string | null; readonly label: string }[];
  /** Labels in by (...), without (...), on (...) and the like. */
  readonly grouping: readonly string[];
  readonly functions: readonly string[];
}

/**
 * Enough of PromQL to find what an expression refers to: metric names, the labels it matches on
 * and groups by, and the functions it calls. Strings, range selectors and Grafana variables are
 * skipped.
 */
function scan(expr: string): Usage {
  const tokens = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/\$\{?\w+\}?|[A-Za-z_:][\w:]*|\d[\w.]*|\S/g) ?? [];
  const metrics: string[] = [];
  const matchers: { metric: string | null; label: string }[] = [];
  const grouping: string[] = [];
  const functions: string[] = [];
  const isName = (token: string | undefined) => token !== undefined && /^[A-Za-z_:][\w:]*$/.test(token);
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (token === '[') {
      while (index < tokens.length && tokens[index] !== ']') index += 1;
    } else if (token === '{') {
      const previous = tokens[index - 1];
      const metric = isName(previous) && metrics.at(-1) === previous ? previous! : null;
      for (index += 1; index < tokens.length && tokens[index] !== '}'; index += 1) {
        const label = tokens[index]!;
        if (isName(label) && (tokens[index + 1] === '=' || tokens[index + 1] === '!')) {
          matchers.push({ metric, label });
        }
      }
    } else if (isName(token)) {
      if (GROUPING.has(token) && next === '(') {
        for (index += 2; index < tokens.length && tokens[index] !== ')'; index += 1) {
          if (isName(tokens[index])) grouping.push(tokens[index]!);
        }
      } else if (next === '(' || (next !== undefined && GROUPING.has(next))) {
        // A call, or an aggregation with its grouping first: sum by (le) (...).
        functions.push(token);
      } else if (!OPERATORS.has(token)) {
        metrics.push(token);
      }
    }
  }
  return { metrics, matchers, grouping, functions };
}

/**
 * What is wrong with an expression against the recorder's series (empty when it is fine). A
 * deprecated alias is still exported, but the dashboard must already be on its replacement, so
 * that removing the alias cannot break it.
 */
function problems(expr: string, { current: series, deprecated }: RecorderSeries): string[] {
  const usage = scan(expr);
  const found: string[] = [];
  if (usage.metrics.length === 0) found.push(`no metric in ${expr}`);
  for (const metric of usage.metrics) {
    const replacement = deprecated.get(metric);
    if (replacement !== undefined) found.push(`${metric} is a deprecated alias: use ${replacement}`);
    else if (!series.has(metric)) found.push(`${metric} is not a recorder series`);
  }
  for (const name of usage.functions) {
    if (!FUNCTIONS.has(name)) found.push(`${name}() is not a PromQL function this test knows`);
  }
  for (const { metric, label } of usage.matchers) {
    const labels = metric === null ? undefined : series.get(metric);
    if (metric === null) found.push(`matcher on ${label} without a metric name`);
    else if (labels && !labels.has(label)) found.push(`${metric} has no label ${label}`);
  }
  // Grouping labels must exist on every series the expression reads.
  for (const label of usage.grouping) {
    for (const metric of usage.metrics) {
      const labels = series.get(metric);
      if (labels && !labels.has(label)) found.push(`by/on (${label}): ${metric} has no label ${label}`);
    }
  }
  return found;
}

const allPanels = (panels: readonly Panel[]): Panel[] =>
  panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

describe('Grafana dashboard deploy/grafana/sitrep-reliability.json', () => {
  let dashboard: Dashboard;
  let series: RecorderSeries;

  beforeAll(async () => {
    dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    series = await recorderSeries();
  });

  it('is a schema 39 dashboard with unique panel ids, every query on the chosen data source', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.uid).toBe('sitrep-reliability');
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it('has the data source, service and severity variables', () => {
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['service', 'severity']) {
      expect(variables.get(name)).toMatchObject({
        type: 'query',
        query: `label_values(sitrep_recorder_incident_time_to_resolve_seconds_count, ${name})`,
        multi: true,
        includeAll: true,
      });
    }
  });

  it('queries only series and labels the recorder exposes', () => {
    const exprs = allPanels(dashboard.panels).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr ?? '' })),
    );
    expect(exprs.length).toBeGreaterThan(10);
    const found = exprs.flatMap(({ panel, expr }) => problems(expr, series).map((problem) => `${panel}: ${problem}`));
    expect(found).toEqual([]);

    for (const variable of dashboard.templating.list.filter((candidate) => candidate.type === 'query')) {
      const match = /^label_values\((\w+),\s*(\w+)\)$/.exec(String(variable.query));
      expect(match, variable.name).not.toBeNull();
      const [, metric, label] = match!;
      expect(series.current.get(metric!)?.has(label!), `${variable.name}: ${metric} ${label}`).toBe(true);
    }
  });

  it('plots every phase, open incidents and the recorder health metrics', () => {
    const used = new Set(
      allPanels(dashboard.panels).flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) => scan(target.expr ?? '').metrics),
      ),
    );
    for (const phase of PHASES) {
      expect(used).toContain(`sitrep_recorder_incident_time_to_${phase}_seconds_sum`);
      expect(used).toContain(`sitrep_recorder_incident_time_to_${phase}_seconds_count`);
    }
    expect(used).toContain('sitrep_recorder_incident_time_to_resolve_seconds_bucket');
    expect(used).toContain('sitrep_recorder_open_incidents');
    expect(used).toContain('sitrep_recorder_records_total');
    expect(used).toContain('sitrep_recorder_dead_letters_total');
  });

  it('the check itself catches renamed metrics and labels', () => {
    expect(problems('sum(rate(sitrep_recorder_record_total[5m]))', series)).toEqual([
      'sitrep_recorder_record_total is not a recorder series',
    ]);
    expect(problems('sitrep_recorder_incident_time_to_resolve_seconds{severity="critical"}', series)).toEqual([
      'sitrep_recorder_incident_time_to_resolve_seconds is not a recorder series',
    ]);
    expect(problems('sum by (instance) (sitrep_recorder_open_incidents{team=~"$team"})', series)).toEqual([
      'sitrep_recorder_open_incidents has no label team',
      'by/on (instance): sitrep_recorder_open_incidents has no label instance',
    ]);
    // The names before the rename: still exported for one release, refused on the dashboard.
    expect(problems('sum(max by (service, severity) (sitrep_incidents_open))', series)).toEqual([
      'sitrep_incidents_open is a deprecated alias: use sitrep_recorder_open_incidents',
    ]);
    expect(problems('sum(increase(sitrep_incident_time_to_detect_seconds_count[1d]))', series)).toEqual([
      'sitrep_incident_time_to_detect_seconds_count is a deprecated alias: use sitrep_recorder_incident_time_to_detect_seconds_count',
    ]);
    expect(
      problems(
        'histogram_quantile(0.9, sum by (le) (rate(sitrep_recorder_batch_duration_seconds_bucket[$__rate_interval])))',
        series,
      ),
    ).toEqual([]);
    expect(problems('sum by (le) (rate(sitrep_recorder_batch_duration_seconds_sum[5m]))', series)).toEqual([
      'by/on (le): sitrep_recorder_batch_duration_seconds_sum has no label le',
    ]);
  });
});
