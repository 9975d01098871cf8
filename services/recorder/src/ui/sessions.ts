import { createHash, randomBytes } from 'node:crypto';
import { secretEquals } from '@sitrep/http';

/** What a login may do: `write` came from the read-write token, `read` from the read-only one. */
export type AccessLevel = 'read' | 'write';

export interface Session {
  readonly level: AccessLevel;
  /** Sent back with every form; a form posted from elsewhere does not have it. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  readonly ttlMs: number;
  /** Logins kept at most; the oldest goes first, so a flood of logins cannot grow memory. */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

const newSecret = (): string => randomBytes(32).toString('base64url');
// Kept by digest: a memory dump or a timing difference in the map lookup shows no usable id.
const digest = (id: string): string => createHash('sha256').update(id, 'utf8').digest('base64url');

/**
 * Server-side sessions: the browser holds only a random id in an HttpOnly cookie, never the API
 * token. In memory, so a restart logs everyone out (they log in again with the token).
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions) {
    this.ttlMs = options.ttlMs;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** A new session; returns its id, for the cookie. */
  create(level: AccessLevel): { id: string; session: Session } {
    this.prune();
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = newSecret();
    const session: Session = { level, csrfToken: newSecret(), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session with this id; an expired one is forgotten. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined || id === '') return undefined;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  destroy(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(key);
  }
}

/** Whether a posted form carries this session's CSRF token (constant-time). */
export function csrfValid(session: Session, given: unknown): boolean {
  return typeof given === 'string' && given !== '' && secretEquals(given, session.csrfToken);
}

/** The cookies of a request, by name (first value wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // Not percent-decodable: not a cookie we set.
    }
  }
  return cookies;
}

export interface CookieOptions {
  readonly maxAgeSeconds?: number;
  readonly httpOnly: boolean;
  readonly secure: boolean;
}

export function cookieHeader(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Strict'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
