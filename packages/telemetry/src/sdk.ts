import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  readonly serviceName: string;
  /** Sends spans over OTLP/HTTP when set (the standard OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly otlpEndpoint?: string | undefined;
  /** Extra exporter, e.g. an InMemorySpanExporter in tests; exported synchronously. */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Only a program's entry point calls this (libraries use @opentelemetry/api alone). It always
 * registers the W3C propagator and an async-context manager, so trace context flows through
 * Kafka headers and logs carry trace ids even when no exporter is configured.
 *
 * With no exporter nothing would ever read a span, so spans that start a trace are not recorded
 * (AlwaysOffSampler): they still get trace and span ids, which logs and records carry, without
 * the attributes, timestamps and span objects per request. A caller's sampled trace (its
 * `traceparent`) is still followed. Records then carry `traceparent` flags 00 (not sampled), so
 * a service downstream with an exporter does not record a trace this one did not start; give
 * every Sitrep process the same OTLP endpoint.
 */
export function startTracing(options: TracingOptions): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors,
    ...(spanProcessors.length === 0 ? { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) } : {}),
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return { shutdown: () => provider.shutdown() };
}
