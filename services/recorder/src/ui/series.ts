import type { IncidentAlert, IncidentEvent } from '@sitrep/domain';
import { expressionFromGeneratorUrl } from '@sitrep/domain';
import { queryStepMs } from '../impact/index.js';
import { PrometheusClient, type MatrixSeries } from '../impact/prometheus-query.js';

/** One alert's own series around the incident, as its rule's expression measures it. */
export interface AlertChart {
  readonly label: string;
  /** What was asked of Prometheus: the rule's expression without its comparison. */
  readonly query: string;
  /** The rule's threshold (`> 0.05`), when its expression ends in one. */
  readonly threshold: { readonly comparison: string; readonly value: number } | null;
  /** Epoch ms and value; empty when Prometheus had nothing (or failed: `problem` says why). */
  readonly points: readonly (readonly [number, number])[];
  readonly problem?: string;
}

export interface ChartWindow {
  readonly from: Date;
  readonly to: Date;
}

const COMPARISON = /^(.*\S)\s*(>=|<=|==|!=|>|<)\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/s;

/**
 * `rate(x[5m]) > 0.05` as the series to draw (`rate(x[5m])`) and its threshold. The whole
 * expression would answer only while the condition held, hiding how the series got there.
 */
export function splitThreshold(expression: string): Pick<AlertChart, 'query' | 'threshold'> {
  const match = COMPARISON.exec(expression);
  if (!match) return { query: expression, threshold: null };
  return { query: match[1] ?? expression, threshold: { comparison: match[2] ?? '>', value: Number(match[3]) } };
}

/** A series is the alert's when every label it has is the alert's too (Prometheus drops the name). */
const belongsTo = (series: MatrixSeries, alert: IncidentAlert): boolean =>
  Object.entries(series.labels).every(([name, value]) => name === '__name__' || alert.labels[name] === value);

const MAX_CHARTS = 8;

/**
 * Each alert's series over `window` (one range query per distinct expression), or null when no
 * Prometheus is configured. Never rejects: a failed query is the chart's `problem`.
 */
export async function alertCharts(
  prometheus: { readonly url: string; readonly timeoutMs: number } | null,
  events: readonly IncidentEvent[],
  window: ChartWindow,
  fetchImpl: typeof fetch = fetch,
): Promise<AlertChart[] | null> {
  if (prometheus === null) return null;
  const alerts = new Map<string, IncidentAlert>();
  for (const event of events) {
    if (event.type === 'incident.alert_attached' && !alerts.has(event.data.alert.alertId)) {
      alerts.set(event.data.alert.alertId, event.data.alert);
    }
  }
  const client = new PrometheusClient(prometheus.url, fetchImpl);
  const signal = AbortSignal.timeout(prometheus.timeoutMs);
  const stepMs = queryStepMs(window, 15_000, 240);
  const answers = new Map<string, Promise<MatrixSeries[] | string>>();
  const ask = (query: string) => {
    let answer = answers.get(query);
    if (!answer) {
      answer = client
        .queryRange({ expression: query, ...window, stepMs }, signal)
        .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      answers.set(query, answer);
    }
    return answer;
  };
  const charts: AlertChart[] = [];
  for (const alert of [...alerts.values()].slice(0, MAX_CHARTS)) {
    const expression = expressionFromGeneratorUrl(alert.generatorURL);
    if (expression === null) continue;
    const { query, threshold } = splitThreshold(expression);
    const label = `${alert.alertname} on ${alert.service}`;
    const answer = await ask(query);
    if (typeof answer === 'string') {
      charts.push({ label, query, threshold, points: [], problem: `Prometheus: ${answer}` });
      continue;
    }
    const series = answer.find((one) => belongsTo(one, alert));
    const points = (series?.samples ?? [])
      .filter(([, value]) => Number.isFinite(value))
      .map(([at, value]) => [at.getTime(), value] as const);
    charts.push({
      label,
      query,
      threshold,
      points,
      ...(points.length === 0 ? { problem: 'Prometheus has no samples of this series in the window' } : {}),
    });
  }
  return charts;
}
