import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '@sitrep/telemetry';
import type { AlertingRule } from './prometheus-rules.js';

/** Where the webhook path reads Prometheus's alerting rules from: memory only, never the network. */
export interface RulesSource {
  /** The rules as of the latest successful refresh; empty before the first. */
  current(): readonly AlertingRule[];
}

export interface RulesCacheOptions {
  /** Fetches the rules; given a signal that aborts after `timeoutMs`. */
  readonly fetchRules: (signal: AbortSignal) => Promise<AlertingRule[]>;
  readonly refreshMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly registry: Registry;
}

/**
 * Prometheus's alerting rules, refreshed in the background. A webhook only reads what the last
 * refresh brought, so a slow or failing Prometheus never slows or fails one: the rules stay as
 * they were (a rule's `for:` rarely changes) until Prometheus answers again.
 */
export class PrometheusRulesCache implements RulesSource {
  private rules: readonly AlertingRule[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  /** Aborts an in-flight refresh on stop(): shutdown never waits for Prometheus. */
  private readonly stopping = new AbortController();
  private failing = false;
  private readonly refreshes: Counter<'outcome'>;
  private readonly known: Gauge;

  constructor(private readonly options: RulesCacheOptions) {
    const registers = [options.registry];
    this.refreshes = new Counter({
      name: 'sitrep_ingest_prometheus_rules_refreshes_total',
      help: "Refreshes of Prometheus's alerting rules (for when alerts' conditions began), by outcome.",
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['ok', 'error']) this.refreshes.inc({ outcome }, 0);
    this.known = new Gauge({
      name: 'sitrep_ingest_prometheus_alerting_rules',
      help: 'Alerting rules known from the latest successful refresh.',
      registers,
    });
  }

  current(): readonly AlertingRule[] {
    return this.rules;
  }

  /** Refreshes now, then every refreshMs until stop(); once stopped, it stays stopped. */
  start(): void {
    void this.tick();
  }

  /** One refresh; concurrent callers share it. Never rejects: a failure keeps the rules it had. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.inFlight;
  }

  private async tick(): Promise<void> {
    await this.refresh();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.options.refreshMs);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  private async fetchOnce(): Promise<void> {
    const { logger } = this.options;
    try {
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutMs)]);
      const rules = await this.options.fetchRules(signal);
      this.rules = rules;
      this.known.set(rules.length);
      this.refreshes.inc({ outcome: 'ok' });
      if (this.failing) logger.info("Prometheus's alerting rules readable again", { rules: rules.length });
      this.failing = false;
    } catch (error) {
      if (this.stopped) return;
      this.refreshes.inc({ outcome: 'error' });
      // Once per outage, not every refresh: impact starts fall back meanwhile, nothing fails.
      if (!this.failing) {
        logger.warn("cannot read Prometheus's alerting rules; keeping the last ones known", {
          error: error instanceof Error ? error.message : String(error),
          rules: this.rules.length,
        });
      }
      this.failing = true;
    }
  }
}
