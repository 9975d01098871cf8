import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from './api-error.js';

export interface DirectJsonPost {
  /** The exact path (no query string) served directly. */
  readonly path: string;
  /** The body limit, as the route's jsonBody has it. */
  readonly limitBytes: number;
  /** The route's checks before the body is read (authentication), as middleware. */
  readonly before: RequestHandler;
  /** The route's handler, with `req.body` parsed. */
  readonly handle: (req: Request, res: Response) => Promise<void>;
}

const UTF8_BOM = 0xfeff;

/**
 * Serves the requests of one `POST <path>` route with a JSON body that it is sure of without the
 * router and body-parser, whose layers, content-type parsing, charset decoding and stream
 * plumbing cost more per request than the webhook's own checks: `Content-Type:
 * application/json` (charset absent or UTF-8), a `Content-Length` within the limit, no
 * `Content-Encoding`. Anything else (another type, another charset, a compressed or chunked or
 * too large body) goes on to the router, whose route answers it as always, so the answers to
 * unusual requests are the route's own. For those it serves it answers exactly as that route:
 * `before` runs first, an empty body is `{}` as body-parser has it, malformed JSON is the same
 * `invalid_json`, and every error goes to the app's error handlers with `req.route` set to the
 * route's path, so metrics and logs name it as they do for the router's requests.
 */
export function directJsonPost(route: DirectJsonPost): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || req.url !== route.path || !servable(req, route.limitBytes)) {
      next();
      return;
    }
    // What the router sets: the route's template, for metric labels and logs.
    (req as { route?: unknown }).route = { path: route.path };
    route.before(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      readBody(req, (failure, body) => {
        if (failure) {
          next(failure);
          return;
        }
        req.body = body;
        route.handle(req, res).catch(next);
      });
    });
  };
}

/** The request is one body-parser would read as plain UTF-8 JSON, within the limit. */
function servable(req: Request, limitBytes: number): boolean {
  const headers = req.headers;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  if (length === undefined || !/^\d{1,12}$/.test(length) || Number(length) > limitBytes) return false;
  const type = headers['content-type'];
  if (type === undefined) return false;
  const semicolon = type.indexOf(';');
  const media = (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase();
  if (media !== 'application/json') return false;
  if (semicolon < 0) return true;
  // Only `charset=utf-8` (quoted or not) as the one parameter; anything else is the router's.
  const parameter = type
    .slice(semicolon + 1)
    .trim()
    .toLowerCase()
    .replace(/^charset=(?:"utf-8"|utf-8)$/, '');
  return parameter === '';
}

function readBody(req: Request, done: (failure: ApiError | undefined, body?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let settled = false;
  const settle = (failure: ApiError | undefined, body?: unknown): void => {
    if (settled) return;
    settled = true;
    done(failure, body);
  };
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('aborted', () => settle(new ApiError('invalid_json', 'request body was incomplete: request aborted')));
  req.once('error', (error) => settle(new ApiError('invalid_json', `request body was incomplete: ${error.message}`)));
  req.once('end', () => {
    const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    let text = buffer.toString('utf8');
    // body-parser's UTF-8 decoder drops a byte order mark; JSON.parse would refuse it.
    if (text.charCodeAt(0) === UTF8_BOM) text = text.slice(1);
    if (text.length === 0) {
      settle(undefined, {});
      return;
    }
    try {
      settle(undefined, JSON.parse(text));
    } catch (error) {
      settle(new ApiError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`));
    }
  });
}

/** A JSON answer as Express's res.json writes it (same type and charset), without its lookups. */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
