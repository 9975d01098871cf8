import { Counter, type Registry } from 'prom-client';
import { CONDITION_SOURCES, type AlertCondition, type ConditionLookup, type Labels } from '@sitrep/domain';
import type { ActiveAlert, AlertingRule } from './prometheus-rules.js';
import type { RulesSource } from './rules-cache.js';

export interface ConditionLookupOptions {
  /** Prometheus's alerting rules, when PROMETHEUS_URL is set. */
  readonly rules?: RulesSource | undefined;
  /** The correlation file's `alert_for`, by alertname. */
  readonly alertForMs: ReadonlyMap<string, number>;
}

/** Every label of `part` is on `whole` with the same value. */
function within(part: Labels, whole: Labels): boolean {
  return Object.entries(part).every(([name, value]) => whole[name] === value);
}

const labelCount = (labels: Labels): number => Object.keys(labels).length;

/**
 * The rules that made this alert: its alertname, and every label the rule adds. Several rules
 * may share a name (a warning tier after 10m, a critical one after 5m, told apart by their
 * labels): the most specific win.
 */
function rulesFor(rules: readonly AlertingRule[], labels: Labels): AlertingRule[] {
  const named = rules.filter((rule) => rule.name === labels.alertname && within(rule.labels, labels));
  const most = Math.max(0, ...named.map((rule) => labelCount(rule.labels)));
  return named.filter((rule) => labelCount(rule.labels) === most);
}

/**
 * The alert Prometheus lists as active with this alert's labels (Alertmanager's copy may carry
 * more: external labels) whose activeAt fits startsAt: Prometheus fires an alert at the first
 * evaluation at least `for` after activeAt, so startsAt - activeAt is `for` plus under an
 * evaluation interval (two allowed). An activeAt outside that belongs to another occurrence (the
 * alert resolved and is pending again), or to a restarted Prometheus's restored state: then the
 * rule's `for` says it instead.
 */
function activeAlertFor(rules: readonly AlertingRule[], labels: Labels, startsAt: Date): ActiveAlert | null {
  let best: ActiveAlert | null = null;
  for (const rule of rules) {
    for (const active of rule.active) {
      const ahead = startsAt.getTime() - active.activeAt.getTime();
      if (ahead < 0 || ahead > rule.forMs + 2 * rule.intervalMs || !within(active.labels, labels)) continue;
      const better =
        best === null ||
        labelCount(active.labels) > labelCount(best.labels) ||
        (labelCount(active.labels) === labelCount(best.labels) && active.activeAt > best.activeAt);
      if (better) best = active;
    }
  }
  return best;
}

const before = (startsAt: Date, ms: number): Date => new Date(startsAt.getTime() - ms);

/**
 * When an alert's condition first held, from what ingest holds in memory: Prometheus's active
 * alert (its activeAt), else its rule's `for`, else the correlation file's `alert_for`, else
 * nothing. Pure over the current rules: the webhook's path reads, never waits.
 */
export function conditionLookup(options: ConditionLookupOptions): ConditionLookup {
  return ({ labels, startsAt }): AlertCondition | null => {
    const rules = rulesFor(options.rules?.current() ?? [], labels);
    if (rules.length > 0) {
      const active = activeAlertFor(rules, labels, startsAt);
      if (active !== null) return { since: active.activeAt, source: 'prometheus_active' };
      // Rules that agree on the name and labels but not on `for`: the shortest never overstates.
      const forMs = Math.min(...rules.map((rule) => rule.forMs));
      return { since: before(startsAt, forMs), source: 'prometheus_rule' };
    }
    const alertFor = labels.alertname === undefined ? undefined : options.alertForMs.get(labels.alertname);
    return alertFor === undefined ? null : { since: before(startsAt, alertFor), source: 'correlation_file' };
  };
}

/**
 * The same lookup, counting each answer by source (`none`: not known), so an operator sees how
 * often impact starts come from Prometheus, the correlation file or startsAt alone.
 */
export function countedConditionLookup(lookup: ConditionLookup, registry: Registry): ConditionLookup {
  const counter = new Counter({
    name: 'sitrep_ingest_alert_conditions_total',
    help: 'Alerts received, by where ingest learned when their condition first held (none: not known, impact counts from startsAt).',
    labelNames: ['source'],
    registers: [registry],
  });
  for (const source of [...CONDITION_SOURCES, 'none']) counter.inc({ source }, 0);
  return (alert) => {
    const condition = lookup(alert);
    counter.inc({ source: condition?.source ?? 'none' });
    return condition;
  };
}
