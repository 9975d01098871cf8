import { ApiError, isAuthorized } from '@sitrep/http';
import type { RequestHandler } from 'express';
import type { ApiAccess } from '../config.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="sitrep"' };

/** Whether this Authorization header may read (either token; anyone when auth is disabled). */
export function canRead(access: ApiAccess, header: string | undefined): boolean {
  if (access.mode === 'disabled') return true;
  const writers = isAuthorized({ mode: 'enabled', bearerTokens: access.writeTokens }, header);
  const readers = isAuthorized({ mode: 'enabled', bearerTokens: access.readTokens }, header);
  return writers || readers;
}

/**
 * `read`: a read-only token (dashboards, report scripts) or the read-write one. `write`: only the
 * read-write token; a read-only token gets 403, so a leaked dashboard token cannot edit timelines.
 */
export function requireAccess(access: ApiAccess, level: 'read' | 'write'): RequestHandler {
  if (access.mode === 'disabled') return (_req, _res, next) => next();
  const writers = { mode: 'enabled', bearerTokens: access.writeTokens } as const;
  const readers = { mode: 'enabled', bearerTokens: access.readTokens } as const;
  return (req, _res, next) => {
    const header = req.headers.authorization;
    // Both checked every time, so timing does not tell which kind of token was sent.
    const canWrite = isAuthorized(writers, header);
    const canRead = isAuthorized(readers, header);
    if (canWrite || (level === 'read' && canRead)) {
      next();
      return;
    }
    if (canRead) {
      next(new ApiError('forbidden', 'this token is read-only; adding entries needs SITREP_API_TOKEN'));
      return;
    }
    const message = header === undefined ? 'authentication required' : 'invalid credentials';
    next(new ApiError('unauthorized', message, { headers: CHALLENGE }));
  };
}
