import {
  context,
  propagation,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';

export const TRACER_NAME = 'sitrep';

export function getTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * The W3C trace context (`traceparent`, `tracestate`) of `ctx` as plain string headers, for
 * Kafka records. Empty when no propagator is registered (no SDK started).
 */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context carried by a record's headers, to parent a consumer's span on the producer's. */
export function contextFromHeaders(
  headers: Readonly<Record<string, string>>,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, headers);
}

/**
 * Runs `fn` inside a new active span, recording an exception and an error status if it throws.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  options: { tracer?: Tracer; parent?: Context; kind?: SpanKind } = {},
): Promise<T> {
  const tracer = options.tracer ?? getTracer();
  const parent = options.parent ?? context.active();
  const spanOptions = options.kind === undefined ? { attributes } : { attributes, kind: options.kind };
  return tracer.startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      const result = await fn(span);
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
