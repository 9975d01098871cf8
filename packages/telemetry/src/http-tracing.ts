import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';
import { getTracer } from './tracing.js';

const CONTEXT_KEY = 'sitrepTraceContext';

/**
 * A SERVER span per request, continuing the caller's trace when it sent `traceparent`. The span's
 * context is kept on the response: body parsing resumes from socket events, which lose the async
 * context, so handlers re-enter it explicitly with `requestContext(res)`.
 */
export function httpTracing(): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = getTracer().startSpan(
      `${req.method} ${req.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    res.locals[CONTEXT_KEY] = active;
    res.on('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        span.setAttribute('http.route', `${req.baseUrl}${route}`);
        span.updateName(`${req.method} ${req.baseUrl}${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(active, next);
  };
}

/** The request's trace context (its SERVER span), or the active context outside httpTracing. */
export function requestContext(res: Response): Context {
  const stored = res.locals[CONTEXT_KEY] as Context | undefined;
  return stored ?? context.active();
}
