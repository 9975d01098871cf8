import { describe, expect, it } from 'vitest';
import { DependencyMap } from './dependency-map.js';

describe('DependencyMap', () => {
  const map = new DependencyMap([
    ['auth-lb', 'auth'],
    ['auth', 'users-db'],
    ['payments', 'payments-db'],
  ]);

  it('names each connected group by its alphabetically first service', () => {
    expect(map.component('users-db')).toBe('auth');
    expect(map.component('auth-lb')).toBe('auth');
    expect(map.component('payments-db')).toBe('payments');
    expect(map.component('unmapped')).toBe('unmapped');
  });

  it('relates services of one group only', () => {
    expect(map.related('auth-lb', 'users-db')).toBe(true);
    expect(map.related('auth', 'payments')).toBe(false);
  });

  it('knows direction and depth', () => {
    expect(map.isUpstreamOf('auth-lb', 'users-db')).toBe(true);
    expect(map.isUpstreamOf('users-db', 'auth-lb')).toBe(false);
    expect([map.depth('auth-lb'), map.depth('auth'), map.depth('users-db')]).toEqual([0, 1, 2]);
  });

  it('survives a cycle in the map', () => {
    const cyclic = new DependencyMap([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(cyclic.related('a', 'b')).toBe(true);
    expect(cyclic.depth('a')).toBe(1);
  });
});
