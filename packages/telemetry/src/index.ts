export { createLogger, createMemoryLogger, LOG_LEVELS } from './logger.js';
export type { LogFields, Logger, LoggerOptions, LogLevel } from './logger.js';
export { createMetricsRegistry, metricNameProblems, SERVICE_LABEL } from './metrics.js';
export type { MetricNameRules } from './metrics.js';
export { httpMetrics } from './http-metrics.js';
export { contextFromHeaders, getTracer, inSpan, traceHeaders, TRACER_NAME } from './tracing.js';
export { httpTracing, requestContext } from './http-tracing.js';
