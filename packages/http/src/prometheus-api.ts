/**
 * Prometheus answered, but not with data: an HTTP error, `status: "error"`, or a body that is
 * not what the endpoint returns. The message says why, in Prometheus's words where it gave them.
 */
export class PrometheusApiError extends Error {
  override readonly name: string = 'PrometheusApiError';
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

/**
 * Prometheus's HTTP API (`/api/v1/...`) under a base URL that may carry basic-auth credentials,
 * as PROMETHEUS_URL may: both services ask it (ingest for alerting rules, the recorder for
 * range queries) through this one client.
 */
export class PrometheusApi {
  private readonly base: string;
  private readonly authorization: string | undefined;

  constructor(
    baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    const url = new URL(baseUrl);
    // fetch refuses URLs with credentials: they become an Authorization header.
    if (url.username !== '' || url.password !== '') {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/v1/`;
  }

  /**
   * One call; resolves with the whole answer (`{status: "success", data}`) for the caller to
   * read. `form` makes it a POST, so a long expression meets no URL length limit on the way.
   */
  async call(
    endpoint: string,
    options: { readonly signal: AbortSignal; readonly form?: Readonly<Record<string, string>> },
  ): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    const response = await this.fetchImpl(`${this.base}${endpoint}`, {
      headers,
      signal: options.signal,
      ...(options.form === undefined ? {} : { method: 'POST', body: new URLSearchParams({ ...options.form }) }),
    });
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok || !isRecord(body) || body.status !== 'success') {
      const errorType = isRecord(body) && typeof body.errorType === 'string' ? ` ${body.errorType}` : '';
      const detail =
        isRecord(body) && typeof body.error === 'string'
          ? body.error
          : text.trim().slice(0, 200) || response.statusText;
      throw new PrometheusApiError(`HTTP ${response.status}${errorType}: ${detail}`);
    }
    return body;
  }
}
