import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from './logger.js';
import { startTracing } from './sdk.js';
import { inSpan, traceHeaders } from './tracing.js';

afterEach(() => {
  // Each test registers its own provider globally.
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('startTracing', () => {
  it('without an exporter records no spans, yet gives them ids that logs and record headers carry', async () => {
    const tracing = startTracing({ serviceName: 'test' });
    try {
      await inSpan('request', {}, (span) => {
        expect(span.isRecording()).toBe(false);
        const { traceId } = span.spanContext();
        expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
        const { logger, lines } = createMemoryLogger();
        logger.info('accepted');
        expect(lines[0]?.trace_id).toBe(traceId);
        expect(traceHeaders().traceparent).toBe(`00-${traceId}-${span.spanContext().spanId}-00`);
        return Promise.resolve();
      });
    } finally {
      await tracing.shutdown();
    }
  });

  it("without an exporter still follows a caller's sampled trace", async () => {
    const tracing = startTracing({ serviceName: 'test' });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = propagation.extract(context.active(), {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      });
      await inSpan(
        'request',
        {},
        (span) => {
          expect(span.isRecording()).toBe(true);
          expect(span.spanContext().traceId).toBe(traceId);
          return Promise.resolve();
        },
        { parent },
      );
    } finally {
      await tracing.shutdown();
    }
  });

  it('with an exporter records and exports every span', async () => {
    const spans = new InMemorySpanExporter();
    const tracing = startTracing({ serviceName: 'test', exporter: spans });
    try {
      await inSpan('request', {}, (span) => {
        expect(span.isRecording()).toBe(true);
        return Promise.resolve();
      });
      expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['request']);
    } finally {
      await tracing.shutdown();
    }
  });
});
