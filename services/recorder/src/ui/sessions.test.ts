import { describe, expect, it } from 'vitest';
import { cookieHeader, csrfValid, parseCookies, SessionStore } from './sessions.js';

describe('sessions', () => {
  it('are found by their random id until they expire, then forgotten', () => {
    let now = 1_000;
    const store = new SessionStore({ ttlMs: 60_000, now: () => now });
    const { id, session } = store.create('write');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.get(id)).toBe(session);
    expect(store.get(`${id}x`)).toBeUndefined();
    now += 59_999;
    expect(store.get(id)?.level).toBe('write');
    now += 1;
    expect(store.get(id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('give every login its own id and CSRF token, and end on destroy', () => {
    const store = new SessionStore({ ttlMs: 60_000 });
    const a = store.create('read');
    const b = store.create('read');
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    store.destroy(a.id);
    expect(store.get(a.id)).toBeUndefined();
    expect(store.get(b.id)).toBe(b.session);
  });

  it('keep at most maxSessions, dropping the oldest', () => {
    const store = new SessionStore({ ttlMs: 60_000, maxSessions: 2 });
    const first = store.create('read');
    const second = store.create('read');
    const third = store.create('write');
    expect(store.size).toBe(2);
    expect(store.get(first.id)).toBeUndefined();
    expect(store.get(second.id)).toBeDefined();
    expect(store.get(third.id)).toBeDefined();
  });
});

describe('CSRF tokens', () => {
  it("accept only the session's own token", () => {
    const store = new SessionStore({ ttlMs: 60_000 });
    const { session } = store.create('write');
    const other = store.create('write').session;
    expect(csrfValid(session, session.csrfToken)).toBe(true);
    expect(csrfValid(session, other.csrfToken)).toBe(false);
    expect(csrfValid(session, '')).toBe(false);
    expect(csrfValid(session, undefined)).toBe(false);
    expect(csrfValid(session, [session.csrfToken])).toBe(false);
  });
});

describe('cookies', () => {
  it('are HttpOnly and SameSite=Strict, Secure when asked', () => {
    expect(cookieHeader('s', 'a b', { httpOnly: true, secure: false, maxAgeSeconds: 60 })).toBe(
      's=a%20b; Path=/; SameSite=Strict; Max-Age=60; HttpOnly',
    );
    expect(cookieHeader('s', 'v', { httpOnly: true, secure: true })).toBe(
      's=v; Path=/; SameSite=Strict; HttpOnly; Secure',
    );
  });

  it('are read by name, the first of a name winning, undecodable ones skipped', () => {
    const cookies = parseCookies('a=1; b=%E2%9C%93; a=2; bad=%E0%A4%A; =x; junk');
    expect([...cookies]).toEqual([
      ['a', '1'],
      ['b', '✓'],
    ]);
  });
});
