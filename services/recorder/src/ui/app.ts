import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import type { Logger } from '@sitrep/telemetry';
import type { ApiAccess, UiSettings } from '../config.js';
import type { UiAssets } from './assets.js';
import { authRouter } from './auth.js';
import { html } from './html.js';
import type { LiveFeed } from './live-feed.js';
import { pageError, pagesRouter, type PagesDeps } from './pages-router.js';
import { SessionStore } from './sessions.js';

/**
 * The pages' policy: scripts, styles and fetches only from this server (no inline script or
 * style anywhere), forms only to it, never framed. Replaces the API's stricter default.
 */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Event streams open at once at most; each is a connection held open. */
const MAX_STREAMS = 100;
const HEARTBEAT_MS = 20_000;

export interface UiAppDeps extends Omit<PagesDeps, 'assets'> {
  readonly access: ApiAccess;
  readonly ui: UiSettings;
  readonly maxBodyBytes: number;
  readonly feed: LiveFeed;
}

export interface UiApp {
  readonly app: Express;
  readonly sessions: SessionStore;
  /** Ends the open event streams, so the server can close without waiting on them. */
  endStreams(): void;
}

export function createUiApp(deps: UiAppDeps, assets: UiAssets, logger: Logger): UiApp {
  const sessions = new SessionStore({ ttlMs: deps.ui.sessionTtlMs, now: () => deps.clock.now().getTime() });
  const streams = new Set<Response>();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });

  app.get('/assets/:name', (req, res) => {
    const asset = assets.byPath.get(req.path);
    if (!asset) {
      res.status(404).type('text/plain').send('no such asset');
      return;
    }
    // The name holds the content's hash: a new build is a new name, so this one never changes.
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(asset.type).send(asset.body);
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });

  app.use(authRouter({ access: deps.access, ui: deps.ui, sessions, assets, maxBodyBytes: deps.maxBodyBytes }));

  app.get('/events', (req, res) => {
    if (streams.size >= MAX_STREAMS) {
      res.status(503).setHeader('Retry-After', '30').type('text/plain').send('too many live pages open');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 5000\n\n');
    streams.add(res);
    const unsubscribe = deps.feed.subscribe((change) => {
      res.write(`event: incident\ndata: ${JSON.stringify(change)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  });

  app.use(pagesRouter({ ...deps, assets }));

  app.use((req, res) => {
    res
      .status(404)
      .type('html')
      .send(errorPage(assets, `Nothing at ${req.path}.`).text);
  });
  const errors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, message } = pageError(error);
    if (status >= 500)
      logger.error('web UI request failed', { method: req.method, path: req.path, error: error as Error });
    res.status(status).type('html').send(errorPage(assets, message).text);
  };
  app.use(errors);
  return {
    app,
    sessions,
    endStreams: () => {
      for (const stream of streams) stream.end();
      streams.clear();
      deps.feed.stop();
    },
  };
}

const errorPage = (assets: UiAssets, message: string) =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>Sitrep</title>
        <link rel="stylesheet" href="${assets.css.path}" />
      </head>
      <body>
        <main>
          <h1>Sitrep</h1>
          <p>${message}</p>
          <p><a href="/">All incidents</a></p>
        </main>
      </body>
    </html>`;
