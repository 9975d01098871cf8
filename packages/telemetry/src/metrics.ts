import { collectDefaultMetrics, Counter, Histogram, Registry, Summary } from 'prom-client';

/**
 * The label every series of a registry carries: the Sitrep service that exports it. It lives in
 * the `sitrep_` namespace, which no metric's own labels use (`metricNameProblems` checks), so it
 * can never collide with a domain label such as an incident's `service`: prom-client lets a
 * metric's label silently override a default label of the same name.
 */
export const SERVICE_LABEL = 'sitrep_service';

/**
 * Each service builds its own registry rather than using prom-client's global one, so two
 * services in one process (and parallel tests) never clash over metric names. `service` is the
 * Sitrep service's name, exported as the `sitrep_service` label.
 */
export function createMetricsRegistry(options: { service: string; processMetrics?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ [SERVICE_LABEL]: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'sitrep_' });
  return registry;
}

/** What `metricNameProblems` accepts besides the rule. */
export interface MetricNameRules {
  /** The subsystems the registry's metrics may be under (`ingest`, `correlator`, `recorder`). */
  readonly subsystems: readonly string[];
  /** Names kept for compatibility (deprecated aliases), not held to the rule. */
  readonly exempt?: Iterable<string>;
}

// prom-client's default metrics keep their standard names (under our prefix) so stock Node.js
// dashboards work; they are not ours to rename.
const STANDARD = /^sitrep_(?:process|nodejs)_/;
const NAME = /^sitrep_([a-z][a-z0-9]*)_[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const BASE_UNITS = ['seconds', 'bytes'];

/**
 * Every way a registry's metrics break `sitrep_<subsystem>_<name>_<unit>` (empty when none do):
 * a known subsystem, counters ending in `_total` and nothing else, histograms and summaries in a
 * base unit, and no metric label in the `sitrep_` namespace the default label lives in.
 */
export function metricNameProblems(registry: Registry, rules: MetricNameRules): string[] {
  const exempt = new Set(rules.exempt ?? []);
  const problems: string[] = [];
  for (const metric of registry.getMetricsAsArray()) {
    const { name } = metric;
    if (exempt.has(name) || STANDARD.test(name)) continue;
    const match = NAME.exec(name);
    if (!match) {
      problems.push(`${name} is not sitrep_<subsystem>_<name>_<unit>`);
      continue;
    }
    const subsystem = match[1] ?? '';
    if (!rules.subsystems.includes(subsystem)) {
      problems.push(`${name}: subsystem ${subsystem} is not one of ${rules.subsystems.join(', ')}`);
    }
    const unit = name.slice(name.lastIndexOf('_') + 1);
    if (metric instanceof Counter) {
      if (unit !== 'total') problems.push(`${name}: a counter ends in _total`);
    } else if (unit === 'total') {
      problems.push(`${name}: only counters end in _total`);
    }
    if ((metric instanceof Histogram || metric instanceof Summary) && !BASE_UNITS.includes(unit)) {
      problems.push(`${name}: a histogram or summary ends in a base unit (${BASE_UNITS.join(', ')})`);
    }
    // prom-client keeps the configured label names on the metric; its types do not declare them.
    const labelNames = (metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    for (const label of labelNames.filter((candidate) => candidate.startsWith('sitrep_'))) {
      problems.push(`${name}: label ${label} is in the sitrep_ namespace of the default label`);
    }
  }
  return problems;
}
