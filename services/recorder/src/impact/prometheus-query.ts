import type { SeriesSample } from '@sitrep/domain';
import { PrometheusApi, PrometheusApiError } from '@sitrep/http';

/** One series of a range query's matrix. */
export interface MatrixSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly SeriesSample[];
}

export interface RangeQuery {
  readonly expression: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepMs: number;
}

/** Prometheus answered, but not with a range query's matrix. */
export class PrometheusAnswerError extends PrometheusApiError {
  override readonly name = 'PrometheusAnswerError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseLabels(metric: unknown): Record<string, string> | null {
  if (!isRecord(metric)) return null;
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') return null;
    labels[name] = value;
  }
  return labels;
}

function parseSamples(values: unknown): SeriesSample[] | null {
  if (!Array.isArray(values)) return null;
  const samples: SeriesSample[] = [];
  for (const point of values as unknown[]) {
    if (!Array.isArray(point)) return null;
    const [at, value] = point as unknown[];
    if (typeof at !== 'number' || typeof value !== 'string') return null;
    // Values come as strings so NaN and ±Inf survive JSON; Number reads "NaN" and "+Inf" too.
    samples.push([new Date(at * 1000), Number(value)]);
  }
  return samples;
}

function parseMatrix(body: unknown): MatrixSeries[] {
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data) || data.resultType !== 'matrix' || !Array.isArray(data.result)) {
    throw new PrometheusAnswerError('answer is not a range-query matrix');
  }
  return (data.result as unknown[]).map((item) => {
    const labels = isRecord(item) ? parseLabels(item.metric) : null;
    const samples = isRecord(item) ? parseSamples(item.values) : null;
    if (labels === null || samples === null) throw new PrometheusAnswerError('answer holds a malformed series');
    return { labels, samples };
  });
}

/** Prometheus' HTTP API, range queries only. */
export class PrometheusClient {
  private readonly api: PrometheusApi;

  constructor(baseUrl: string, fetchImpl: typeof fetch = fetch) {
    this.api = new PrometheusApi(baseUrl, fetchImpl);
  }

  async queryRange(query: RangeQuery, signal: AbortSignal): Promise<MatrixSeries[]> {
    const body = await this.api.call('query_range', {
      signal,
      form: {
        query: query.expression,
        start: String(query.from.getTime() / 1000),
        end: String(query.to.getTime() / 1000),
        step: String(query.stepMs / 1000),
      },
    });
    return parseMatrix(body);
  }
}
