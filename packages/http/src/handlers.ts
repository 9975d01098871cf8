import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@sitrep/telemetry';
import { ApiError } from './api-error.js';

/** 405 for a known path with the wrong method, naming the allowed ones. */
export function methodNotAllowed(...allowed: string[]): RequestHandler {
  return (req, _res, next) => {
    next(
      new ApiError('method_not_allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}`, {
        headers: { Allow: allowed.join(', ') },
      }),
    );
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError('not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * Last middleware: every error becomes a JSON body from the catalogue. Anything not catalogued
 * is a bug on our side: logged with its stack, answered 500 (which Alertmanager retries).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError =
      error instanceof ApiError
        ? error
        : // The router could not percent-decode a path parameter: no such thing can exist.
          error instanceof URIError
          ? new ApiError('not_found', `no route for ${req.method} ${req.path}: not valid percent-encoded UTF-8`)
          : new ApiError('internal', 'internal error; the request may be retried');
    if (!(error instanceof ApiError) && !(error instanceof URIError)) {
      logger.error('unhandled error', { method: req.method, path: req.path, error: error as Error });
    }
    for (const [name, value] of Object.entries(apiError.extra.headers ?? {})) res.setHeader(name, value);
    res.status(apiError.status).json(apiError.toBody());
  };
}
