import { normaliseLabels, type Labels } from '@sitrep/domain';
import { PrometheusApi, PrometheusApiError } from '@sitrep/http';

/** One alert a rule has pending or firing now, as Prometheus lists it. */
export interface ActiveAlert {
  /** Its labels as Prometheus holds them: before external labels and Alertmanager. */
  readonly labels: Labels;
  /** When its condition began to hold (it became pending). */
  readonly activeAt: Date;
}

/** An alerting rule as `/api/v1/rules?type=alert` describes it. */
export interface AlertingRule {
  /** The alertname its alerts carry. */
  readonly name: string;
  /** The labels the rule adds to its alerts. */
  readonly labels: Labels;
  /** Its `for:`: how long the condition holds before the alert fires. */
  readonly forMs: number;
  /** Its group's evaluation interval: an alert fires up to one interval after its `for` ran out. */
  readonly intervalMs: number;
  readonly active: readonly ActiveAlert[];
}

/** Prometheus answered, but not with rules: an HTTP error, `status: "error"`, or a body we cannot read. */
export class PrometheusRulesError extends PrometheusApiError {
  override readonly name = 'PrometheusRulesError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function labelsOf(value: unknown): Labels {
  if (!isRecord(value)) return {};
  const labels: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) if (typeof text === 'string') labels[name] = text;
  return normaliseLabels(labels);
}

/**
 * Go marshals times with up to nanoseconds (`2026-11-22T03:00:00.123456789Z`); Date reads
 * milliseconds. Null for what is no time, and for Go's zero time (an alert never active).
 */
function instantOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/(\.\d{3})\d+/, '$1');
  const date = new Date(text);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1 ? null : date;
}

const secondsToMs = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : fallback;

const DEFAULT_INTERVAL_MS = 60_000;

function ruleOf(rule: unknown, intervalMs: number): AlertingRule | null {
  if (!isRecord(rule) || rule.type !== 'alerting' || typeof rule.name !== 'string' || rule.name === '') return null;
  const active = (Array.isArray(rule.alerts) ? (rule.alerts as unknown[]) : []).flatMap((alert): ActiveAlert[] => {
    if (!isRecord(alert)) return [];
    const activeAt = instantOf(alert.activeAt);
    return activeAt === null ? [] : [{ labels: labelsOf(alert.labels), activeAt }];
  });
  return { name: rule.name, labels: labelsOf(rule.labels), forMs: secondsToMs(rule.duration, 0), intervalMs, active };
}

/**
 * The alerting rules of a `/api/v1/rules` answer. Tolerant inside (a rule it cannot read is left
 * out, not the whole answer: Prometheus adds fields across releases), strict on the envelope.
 */
export function parseAlertingRules(body: unknown): AlertingRule[] {
  const data = isRecord(body) && body.status === 'success' ? body.data : undefined;
  if (!isRecord(data) || !Array.isArray(data.groups)) throw new PrometheusRulesError('answer is not a rules list');
  return (data.groups as unknown[]).flatMap((group) => {
    if (!isRecord(group) || !Array.isArray(group.rules)) return [];
    const intervalMs = secondsToMs(group.interval, DEFAULT_INTERVAL_MS);
    return (group.rules as unknown[]).flatMap((rule) => {
      const parsed = ruleOf(rule, intervalMs);
      return parsed === null ? [] : [parsed];
    });
  });
}

/** Prometheus' HTTP API, the alerting rules only. */
export class PrometheusRulesClient {
  private readonly api: PrometheusApi;

  constructor(baseUrl: string, fetchImpl: typeof fetch = fetch) {
    this.api = new PrometheusApi(baseUrl, fetchImpl);
  }

  async alertingRules(signal: AbortSignal): Promise<AlertingRule[]> {
    return parseAlertingRules(await this.api.call('rules?type=alert', { signal }));
  }
}
