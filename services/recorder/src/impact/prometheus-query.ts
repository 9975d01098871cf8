import type { SeriesSample } from '@sitrep/domain';

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

/** Prometheus answered, but not with data: an HTTP error, `status: "error"`, or a body we cannot read. */
export class PrometheusAnswerError extends Error {
  override readonly name = 'PrometheusAnswerError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

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
  private readonly endpoint: string;
  private readonly authorization: string | undefined;

  constructor(
    baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    const url = new URL(baseUrl);
    // fetch refuses URLs with credentials; PROMETHEUS_URL may carry basic-auth ones.
    if (url.username !== '' || url.password !== '') {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    this.endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/v1/query_range`;
  }

  async queryRange(query: RangeQuery, signal: AbortSignal): Promise<MatrixSeries[]> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    // POST, so a long expression does not run into URL length limits of proxies on the way.
    const response = await this.fetchImpl(this.endpoint, {
      method: 'POST',
      headers,
      body: new URLSearchParams({
        query: query.expression,
        start: String(query.from.getTime() / 1000),
        end: String(query.to.getTime() / 1000),
        step: String(query.stepMs / 1000),
      }),
      signal,
    });
    const text = await response.text();
    const body = parseJson(text);
    const status = isRecord(body) ? body.status : undefined;
    if (!response.ok || status !== 'success') {
      const errorType = isRecord(body) && typeof body.errorType === 'string' ? ` ${body.errorType}` : '';
      const detail =
        isRecord(body) && typeof body.error === 'string'
          ? body.error
          : text.trim().slice(0, 200) || response.statusText;
      throw new PrometheusAnswerError(`HTTP ${response.status}${errorType}: ${detail}`);
    }
    return parseMatrix(body);
  }
}
