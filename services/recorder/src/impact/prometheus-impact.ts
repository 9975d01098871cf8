import {
  expressionFromGeneratorUrl,
  impactFromSeries,
  incidentImpact,
  type AlertSeries,
  type IncidentAlert,
  type IncidentEvent,
  type IncidentImpact,
} from '@sitrep/domain';
import { PrometheusApiError } from '@sitrep/http';
import { PrometheusClient, type MatrixSeries } from './prometheus-query.js';

export interface ImpactWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface MeasuredImpact {
  readonly impact: IncidentImpact;
  /** `prometheus` when at least one alert counted by its series, else `alerts` (their reported values). */
  readonly source: 'prometheus' | 'alerts';
  /** Why some or all alerts count by their reported values instead of their series. */
  readonly warning?: string;
}

export interface PrometheusImpactOptions {
  /** Prometheus' base URL, e.g. http://prometheus:9090 (basic-auth credentials allowed). */
  readonly url: string;
  /** For all of one incident's queries together. */
  readonly timeoutMs: number;
  /** Finer steps than Prometheus' own evaluation add points, not information. Default 15 s. */
  readonly minStepMs?: number;
  /** Points per series at most (the step grows with the window). Default 250. */
  readonly maxPoints?: number;
  /** Queries at once, so a large incident does not flood Prometheus. Default 4. */
  readonly concurrency?: number;
  readonly fetch?: typeof fetch;
}

export interface PrometheusImpact {
  /** Never rejects: on any Prometheus failure the figures come from the alerts' values. */
  impact(events: readonly IncidentEvent[], window: ImpactWindow): Promise<MeasuredImpact>;
}

/** Whole seconds, at least `minStepMs`, and coarse enough for `maxPoints` points over the window. */
export function queryStepMs(window: ImpactWindow, minStepMs = 15_000, maxPoints = 250): number {
  const span = Math.max(0, window.to.getTime() - window.from.getTime());
  return Math.max(minStepMs, Math.ceil(span / maxPoints / 1000) * 1000);
}

/**
 * Prometheus adds the rule's labels and `alertname` to the series' labels and drops the metric
 * name; a series belongs to an alert when every label it has is the alert's too. An expression
 * shared by several alerts (one rule, many services) thus gives each alert only its own series.
 */
const belongsTo = (series: MatrixSeries, alert: IncidentAlert): boolean =>
  Object.entries(series.labels).every(([name, value]) => name === '__name__' || alert.labels[name] === value);

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof PrometheusApiError) return error.message;
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch's TypeError says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND...).
  if (error instanceof TypeError && error.cause instanceof Error) return `unreachable: ${error.cause.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await run(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

const VALUES = 'those alerts count by the values they reported';

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

function byValues(events: readonly IncidentEvent[], window: ImpactWindow, warning: string): MeasuredImpact {
  return { impact: incidentImpact(events, window), source: 'alerts', warning };
}

/**
 * Impact from the series of each alert's own expression (from its generatorURL) over the
 * incident window, one range query per distinct expression. Alerts without series (no
 * expression, a failed query, nothing matching the alert in the answer) count by the values they
 * reported, alongside the measured ones; the warning says which and why.
 */
export function createPrometheusImpact(options: PrometheusImpactOptions): PrometheusImpact {
  const client = new PrometheusClient(options.url, options.fetch);
  const { timeoutMs, minStepMs, maxPoints, concurrency = 4 } = options;

  const measure = async (events: readonly IncidentEvent[], window: ImpactWindow): Promise<MeasuredImpact> => {
    const alertsByExpression = new Map<string, IncidentAlert[]>();
    let unlinked = 0;
    for (const event of events) {
      if (event.type !== 'incident.alert_attached') continue;
      const expression = expressionFromGeneratorUrl(event.data.alert.generatorURL);
      if (expression === null) unlinked += 1;
      else alertsByExpression.set(expression, [...(alertsByExpression.get(expression) ?? []), event.data.alert]);
    }
    if (alertsByExpression.size === 0) {
      return byValues(events, window, `no alert links a Prometheus expression (generatorURL); ${VALUES}`);
    }

    const stepMs = queryStepMs(window, minStepMs, maxPoints);
    const signal = AbortSignal.timeout(timeoutMs);
    const answers = await mapLimited([...alertsByExpression.keys()], concurrency, async (expression) => {
      try {
        const series = await client.queryRange({ expression, ...window, stepMs }, signal);
        return { expression, series };
      } catch (error) {
        return { expression, failure: describeFailure(error, timeoutMs) };
      }
    });

    const inputs: AlertSeries[] = [];
    const failures: string[] = [];
    let empty = 0;
    for (const answer of answers) {
      const alerts = alertsByExpression.get(answer.expression) ?? [];
      if (answer.failure !== undefined) {
        failures.push(`Prometheus query \`${answer.expression}\` failed: ${answer.failure}`);
        continue;
      }
      for (const alert of alerts) {
        const series = answer.series.filter(
          (one) => belongsTo(one, alert) && one.samples.some(([, value]) => Number.isFinite(value)),
        );
        if (series.length > 0) inputs.push({ alert, series });
        else empty += 1;
      }
    }

    const notes = [
      ...failures.slice(0, 3),
      ...(failures.length > 3 ? [`${failures.length - 3} more queries failed`] : []),
      ...(unlinked > 0 ? [`${plural(unlinked, 'alert links', 'alerts link')} no Prometheus expression`] : []),
      ...(empty > 0 ? [`${plural(empty, 'alert has', 'alerts have')} no Prometheus series over the window`] : []),
    ];
    const warning = notes.length === 0 ? undefined : `${notes.join('; ')}; ${VALUES}`;
    const impact = impactFromSeries(inputs, window, { stepMs, events });
    const source = inputs.length > 0 ? 'prometheus' : 'alerts';
    return warning === undefined ? { impact, source } : { impact, source, warning };
  };

  return {
    impact: async (events, window) => {
      try {
        return await measure(events, window);
      } catch (error) {
        // A bug or an unexpected answer must not cost the incident page its figures.
        return byValues(events, window, `Prometheus figures failed: ${describeFailure(error, timeoutMs)}; ${VALUES}`);
      }
    },
  };
}
