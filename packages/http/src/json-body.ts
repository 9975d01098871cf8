import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ApiError } from './api-error.js';

function isJsonContentType(req: Request): boolean {
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const mediaType = type.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/**
 * Parses a JSON body with a size limit, turning every failure into a catalogued error: wrong
 * content type 415, too large 413, unparseable 400. The body is read in full before any handler
 * runs, so a bad request can never cause a partial write.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const parse = express.json({ limit: limitBytes, strict: false, type: () => true });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!isJsonContentType(req)) {
      next(
        new ApiError(
          'unsupported_media_type',
          `Content-Type must be application/json, got ${req.headers['content-type'] ?? 'none'}`,
        ),
      );
      return;
    }
    next();
  };
  const mapErrors = (error: unknown, _req: Request, _res: Response, next: NextFunction): void => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      next(new ApiError('payload_too_large', `request body exceeds the limit of ${limitBytes} bytes`));
    } else if (type === 'entity.parse.failed') {
      next(new ApiError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`));
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      next(new ApiError('unsupported_media_type', (error as Error).message));
    } else if (type === 'request.aborted' || type === 'request.size.invalid') {
      next(new ApiError('invalid_json', `request body was incomplete: ${(error as Error).message}`));
    } else {
      next(error);
    }
  };
  return [requireJson, parse, mapErrors as unknown as RequestHandler];
}
