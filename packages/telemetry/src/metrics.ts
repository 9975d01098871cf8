import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Each service builds its own registry rather than using prom-client's global one, so two
 * services in one process (and parallel tests) never clash over metric names.
 */
export function createMetricsRegistry(options: { service: string; processMetrics?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'sitrep_' });
  return registry;
}
