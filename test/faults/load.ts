import { webhookBody, type WebhookAlertInput } from '@sitrep/testkit';

/** mulberry32: a small seeded generator, so a failing run's load can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const KINDS = [
  { alertname: 'HighErrorRate', summary: '5xx ratio 12%' },
  { alertname: 'HighLatencyP99', summary: 'p99 2.1s' },
  { alertname: 'BackendLoadImbalance', summary: 'max/mean share 2.4' },
  { alertname: 'InstanceDown', summary: 'target down' },
] as const;

/** One outage of one service: some alerts fire (in one or two notifications), then all resolve. */
export interface Scenario {
  readonly index: number;
  readonly service: string;
  readonly alertnames: readonly string[];
  /** How many of them the first notification lists; the second lists all. */
  readonly firstBatch: number;
  readonly holdMs: number;
}

export function scenarioAt(index: number, random: () => number): Scenario {
  const count = 1 + Math.floor(random() * 3);
  const offset = Math.floor(random() * KINDS.length);
  const alertnames = Array.from({ length: count }, (_, i) => KINDS[(offset + i) % KINDS.length]?.alertname ?? 'Alert');
  return {
    index,
    service: `svc-${String(index).padStart(3, '0')}`,
    alertnames,
    firstBatch: 1 + Math.floor(random() * count),
    holdMs: 300 + Math.floor(random() * 2500),
  };
}

/** What the suite knows about one alert of a scenario once Sitrep acknowledged it. */
export interface AckedAlert {
  readonly service: string;
  readonly alertname: string;
  readonly firingId: string;
  readonly resolvedId: string;
}

export interface SendStats {
  /** Notifications acknowledged. */
  acked: number;
  /** Every alert id in an acknowledgement. */
  readonly ackedIds: Set<string>;
  responses503: number;
  otherFailures: number;
  /** A 2xx answered to a request sent and answered while Kafka could not take writes. */
  readonly forbidden2xx: string[];
}

export interface Sender {
  readonly stats: SendStats;
  /**
   * Sends one notification as Alertmanager does: again on 5xx and connection errors, with
   * backoff, until a 2xx; returns the ids Sitrep acknowledged, in the order of the alerts.
   */
  send(body: Record<string, unknown>): Promise<string[]>;
  /** One attempt, no retry: the status (0 for a connection error). */
  sendOnce(body: Record<string, unknown>): Promise<number>;
  /** While set, every 2xx answered to a request sent after it was set is a failure of the suite. */
  forbidAcks(on: boolean): void;
  /** The same sender (same figures), to one of its URLs only. */
  only(url: string): Sender;
}

export function emptyStats(): SendStats {
  return { acked: 0, ackedIds: new Set(), responses503: 0, otherFailures: 0, forbidden2xx: [] };
}

export function alertmanagerSender(
  urls: readonly string[],
  token: string,
  stats: SendStats = emptyStats(),
  forbidden: { since: number | undefined } = { since: undefined },
): Sender {
  let next = 0;
  const post = async (url: string, body: Record<string, unknown>) => {
    const sentAt = Date.now();
    try {
      const response = await fetch(`${url}/api/v1/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status === 503) stats.responses503 += 1;
      if (response.ok && forbidden.since !== undefined && sentAt >= forbidden.since) {
        stats.forbidden2xx.push(`${url} answered ${response.status} while two brokers were down: ${text}`);
      }
      return { status: response.status, text };
    } catch {
      return { status: 0, text: '' };
    }
  };
  return {
    stats,
    forbidAcks: (on) => {
      forbidden.since = on ? Date.now() : undefined;
    },
    only: (url) => alertmanagerSender([url], token, stats, forbidden),
    sendOnce: async (body) => {
      const url = urls[next++ % urls.length] ?? '';
      return (await post(url, body)).status;
    },
    send: async (body) => {
      // Alertmanager retries the same receiver URL; the load spreads notifications over both.
      const url = urls[next++ % urls.length] ?? '';
      let backoffMs = 200;
      for (;;) {
        const { status, text } = await post(url, body);
        if (status >= 200 && status < 300) {
          stats.acked += 1;
          const { ids } = JSON.parse(text) as { ids: string[] };
          for (const id of ids) stats.ackedIds.add(id);
          return ids;
        }
        if (status !== 0 && status < 500 && status !== 429) {
          throw new Error(`${url} refused a notification for good: ${status} ${text}`);
        }
        if (status !== 503) stats.otherFailures += 1;
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    },
  };
}

function notification(scenario: Scenario, alerts: readonly WebhookAlertInput[]): Record<string, unknown> {
  // Alertmanager grouping by service: each notification lists every alert of the scenario's group.
  return {
    ...webhookBody(alerts),
    groupKey: `{}:{service="${scenario.service}"}`,
    groupLabels: { service: scenario.service },
    commonLabels: { service: scenario.service },
  };
}

/**
 * Plays one scenario against Sitrep through `sender`: its first alerts fire, the rest join,
 * all resolve. Resolves with what Sitrep acknowledged for each alert.
 */
export async function playScenario(
  scenario: Scenario,
  sender: Sender,
  options: { readonly beforeFirst?: (body: Record<string, unknown>) => Promise<void> } = {},
): Promise<AckedAlert[]> {
  const startsAt = new Date(Date.now() - 2000).toISOString();
  const alert = (alertname: string): WebhookAlertInput => ({
    labels: { alertname, service: scenario.service, severity: 'critical', instance: `${scenario.service}-0:8080` },
    annotations: { summary: KINDS.find((kind) => kind.alertname === alertname)?.summary ?? alertname },
    startsAt,
  });
  const firing = scenario.alertnames.map(alert);
  const first = notification(scenario, firing.slice(0, scenario.firstBatch));
  await options.beforeFirst?.(first);
  const firingIds = [...(await sender.send(first))];
  if (scenario.firstBatch < firing.length) {
    const all = await sender.send(notification(scenario, firing));
    firingIds.splice(0, firingIds.length, ...all);
  }
  await new Promise((resolve) => setTimeout(resolve, scenario.holdMs));
  const endsAt = new Date().toISOString();
  const resolvedIds = await sender.send(
    notification(
      scenario,
      firing.map((input) => ({ ...input, status: 'resolved' as const, endsAt })),
    ),
  );
  return scenario.alertnames.map((alertname, i) => ({
    service: scenario.service,
    alertname,
    firingId: firingIds[i] ?? '',
    resolvedId: resolvedIds[i] ?? '',
  }));
}
