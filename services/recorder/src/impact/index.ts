export { createPrometheusImpact, queryStepMs } from './prometheus-impact.js';
export type { ImpactWindow, MeasuredImpact, PrometheusImpact, PrometheusImpactOptions } from './prometheus-impact.js';
