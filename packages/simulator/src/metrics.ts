import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BackendStep } from './model.js';

/**
 * The metrics a real auth service and its balancer would expose, under the names the rules in
 * deploy/prometheus expect: `service` is the scope label Sitrep correlates on.
 */
export function simulatorMetrics(service: string, balancer: string) {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests served, by backend and status code.',
    labelNames: ['service', 'backend', 'code'],
    registers,
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request duration.',
    labelNames: ['service', 'backend'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const routed = new Counter({
    name: 'lb_backend_requests_total',
    help: 'Requests the balancer sent to each backend.',
    labelNames: ['service', 'backend'],
    registers,
  });
  const weight = new Gauge({
    name: 'lb_backend_weight',
    help: 'Configured weight of each backend.',
    labelNames: ['service', 'backend'],
    registers,
  });
  const saturation = new Gauge({
    name: 'backend_saturation_ratio',
    help: 'Offered load over capacity per backend (above 1: shedding).',
    labelNames: ['service', 'backend'],
    registers,
  });

  const record = (steps: readonly BackendStep[], weights: readonly number[]): void => {
    steps.forEach((step, index) => {
      const backend = { backend: step.backend };
      requests.inc({ service, ...backend, code: '200' }, step.requests - step.failed);
      requests.inc({ service, ...backend, code: '503' }, step.failed);
      for (let i = 0; i < step.requests; i += 1) duration.observe({ service, ...backend }, step.latencySeconds);
      routed.inc({ service: balancer, ...backend }, step.requests);
      weight.set({ service: balancer, ...backend }, weights[index] ?? 0);
      saturation.set({ service, ...backend }, step.utilisation);
    });
  };
  return { registry, record };
}
