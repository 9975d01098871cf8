import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { secretEquals } from '@sitrep/http';
import type { ApiAccess, UiSettings } from '../config.js';
import type { UiAssets } from './assets.js';
import { loginPage } from './layout.js';
import {
  cookieHeader,
  csrfValid,
  parseCookies,
  type AccessLevel,
  type Session,
  type SessionStore,
} from './sessions.js';

export const SESSION_COOKIE = 'sitrep_session';

/** The session the auth router found for this request (every route after it has one). */
export const sessionOf = (res: Response): Session => res.locals.session as Session;

/**
 * The level a token logs in at: the read-write token `write`, the read-only one `read`, else
 * null. Every token is compared every time, so timing does not tell which kind was sent.
 */
export function tokenLevel(access: ApiAccess, token: string): AccessLevel | null {
  if (access.mode === 'disabled') return 'write';
  let write = false;
  let read = false;
  for (const candidate of access.writeTokens) write = secretEquals(token, candidate) || write;
  for (const candidate of access.readTokens) read = secretEquals(token, candidate) || read;
  return write ? 'write' : read ? 'read' : null;
}

/** Where to go after logging in: only a path on this server, never another origin. */
export const safeNext = (value: unknown): string =>
  typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && !value.startsWith('/login') ? value : '/';

/**
 * A form posted from another page (another origin) is refused by its Origin header when the
 * browser sends one; the CSRF token refuses it anyway.
 */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host ?? '';
  return origin === `http://${host}` || origin === `https://${host}`;
}

export interface AuthDeps {
  readonly access: ApiAccess;
  readonly ui: UiSettings;
  readonly sessions: SessionStore;
  readonly assets: UiAssets;
  readonly maxBodyBytes: number;
}

export const formBody = (limitBytes: number): RequestHandler =>
  express.urlencoded({ extended: false, limit: limitBytes, parameterLimit: 50 });

export const bodyField = (req: Request, name: string): unknown =>
  (req.body as Record<string, unknown> | undefined)?.[name];

/** Login, logout and the session every other route needs (the login form when there is none). */
export function authRouter(deps: AuthDeps): Router {
  const { sessions, ui } = deps;
  const router = Router();
  const secure = (req: Request) => ui.secureCookies === 'always' || req.secure;
  const sessionId = (req: Request) => parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  const startSession = (req: Request, res: Response, level: AccessLevel): Session => {
    const { id, session } = sessions.create(level);
    res.setHeader(
      'Set-Cookie',
      cookieHeader(SESSION_COOKIE, id, {
        httpOnly: true,
        secure: secure(req),
        maxAgeSeconds: Math.floor(ui.sessionTtlMs / 1000),
      }),
    );
    return session;
  };
  const showLogin = (res: Response, status: number, options: { error?: string; next?: string }) => {
    res.status(status).type('html').send(loginPage(deps.assets, options).text);
  };

  router.get('/login', (req, res) => {
    if (sessions.get(sessionId(req))) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    showLogin(res, 200, { next: safeNext(req.query.next) });
  });

  router.post('/login', formBody(deps.maxBodyBytes), (req, res) => {
    const token = bodyField(req, 'token');
    const next = safeNext(bodyField(req, 'next'));
    if (!sameOrigin(req)) {
      showLogin(res.setHeader('Cache-Control', 'no-store'), 403, {
        error: 'This form was sent from another site.',
        next,
      });
      return;
    }
    const level = typeof token === 'string' && token !== '' ? tokenLevel(deps.access, token) : null;
    if (level === null) {
      showLogin(res, 401, { error: 'That token is not valid here.', next });
      return;
    }
    sessions.destroy(sessionId(req));
    startSession(req, res, level);
    res.redirect(303, next);
  });

  // Every route below needs a session; with auth disabled (loopback only) one is made at once.
  router.use((req, res, next) => {
    let session = sessions.get(sessionId(req));
    if (!session && deps.access.mode === 'disabled') session = startSession(req, res, 'write');
    if (!session) {
      if (req.method === 'GET' || req.method === 'HEAD') showLogin(res, 401, { next: safeNext(req.originalUrl) });
      else showLogin(res, 401, { error: 'Your session has ended; log in again.' });
      return;
    }
    res.locals.session = session;
    next();
  });

  // Every form post carries the session's CSRF token (and, when the browser sends one, our Origin).
  const parseForm = formBody(deps.maxBodyBytes);
  router.use((req, res, next) => {
    if (req.method !== 'POST') {
      next();
      return;
    }
    parseForm(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      if (!sameOrigin(req) || !csrfValid(sessionOf(res), bodyField(req, 'csrf'))) {
        res
          .status(403)
          .type('text/plain')
          .send(
            'Refused: this form did not come from this Sitrep page (CSRF token missing or wrong). Reload the page and try again.',
          );
        return;
      }
      next();
    });
  });

  router.post('/logout', (req, res) => {
    sessions.destroy(sessionId(req));
    res.setHeader(
      'Set-Cookie',
      cookieHeader(SESSION_COOKIE, '', { httpOnly: true, secure: secure(req), maxAgeSeconds: 0 }),
    );
    res.redirect(303, '/login');
  });
  return router;
}
