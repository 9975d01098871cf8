import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error.js';

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * What a receiver accepts, as Alertmanager's `http_config` sends it: `authorization` (Bearer)
 * and/or `basic_auth`. When both are configured either one is accepted.
 */
export type AuthPolicy =
  | { readonly mode: 'disabled' }
  | { readonly mode: 'enabled'; readonly bearerTokens: readonly string[]; readonly basic?: BasicCredentials };

const REALM = 'sitrep';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Constant-time equality. Hashing first gives both sides the same length, so neither the
 * comparison time nor an early length check reveals anything about the secret.
 */
export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The configured secrets' digests, once per policy: a request then hashes only what it sent. */
interface PolicyDigests {
  readonly bearerTokens: readonly Buffer[];
  readonly basic?: { readonly username: Buffer; readonly password: Buffer };
}

const policyDigests = new WeakMap<AuthPolicy, PolicyDigests>();

function digestsOf(policy: Extract<AuthPolicy, { mode: 'enabled' }>): PolicyDigests {
  let digests = policyDigests.get(policy);
  if (!digests) {
    digests = {
      bearerTokens: policy.bearerTokens.map(digest),
      ...(policy.basic
        ? { basic: { username: digest(policy.basic.username), password: digest(policy.basic.password) } }
        : {}),
    };
    policyDigests.set(policy, digests);
  }
  return digests;
}

function challenges(policy: Extract<AuthPolicy, { mode: 'enabled' }>): string[] {
  const out: string[] = [];
  if (policy.bearerTokens.length > 0) out.push(`Bearer realm="${REALM}"`);
  if (policy.basic) out.push(`Basic realm="${REALM}", charset="UTF-8"`);
  return out;
}

function parseBasic(encoded: string): BasicCredentials | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function isAuthorized(policy: AuthPolicy, header: string | undefined): boolean {
  if (policy.mode === 'disabled') return true;
  if (header === undefined) return false;
  const space = header.indexOf(' ');
  if (space < 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  const digests = digestsOf(policy);
  if (scheme === 'bearer') {
    // Compare against every token without stopping early, so timing does not say which matched.
    const given = digest(value);
    let matched = false;
    for (const token of digests.bearerTokens) matched = timingSafeEqual(given, token) || matched;
    return matched;
  }
  if (scheme === 'basic' && digests.basic) {
    const given = parseBasic(value);
    if (!given) return false;
    const userOk = timingSafeEqual(digest(given.username), digests.basic.username);
    const passwordOk = timingSafeEqual(digest(given.password), digests.basic.password);
    return userOk && passwordOk;
  }
  return false;
}

/** Rejects unauthenticated requests with 401 and a `WWW-Authenticate` challenge per accepted scheme. */
export function requireAuth(policy: AuthPolicy): RequestHandler {
  return (req, _res, next) => {
    if (isAuthorized(policy, req.headers.authorization)) {
      next();
      return;
    }
    const headers = policy.mode === 'enabled' ? { 'WWW-Authenticate': challenges(policy) } : {};
    const message = req.headers.authorization === undefined ? 'authentication required' : 'invalid credentials';
    next(new ApiError('unauthorized', message, { headers }));
  };
}
