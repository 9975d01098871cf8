import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FiringListing } from './firing-listing.js';
import { StringPool } from './string-pool.js';

type Op =
  | { readonly kind: 'set'; readonly fingerprint: string; readonly at: number }
  | { readonly kind: 'delete' | 'has'; readonly fingerprint: string }
  | { readonly kind: 'clear' };

const fingerprint = fc.constantFrom('a', 'b', 'c', 'd');
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('set' as const), fingerprint, at: fc.integer({ min: 0, max: 10 }) }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'has' as const), fingerprint }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'clear' as const }), weight: 1 },
);

describe('FiringListing', () => {
  it('behaves as a Map of fingerprint to startsAt, and serialises as its entries', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const listing = new FiringListing();
        const map = new Map<string, Date>();
        for (const step of ops) {
          if (step.kind === 'set') {
            const at = new Date(step.at);
            listing.set(step.fingerprint, at);
            map.set(step.fingerprint, at);
          } else if (step.kind === 'delete') {
            expect(listing.delete(step.fingerprint)).toBe(map.delete(step.fingerprint));
          } else if (step.kind === 'has') {
            expect(listing.has(step.fingerprint)).toBe(map.has(step.fingerprint));
          } else {
            listing.clear();
            map.clear();
          }
          expect(listing.size).toBe(map.size);
          expect([...listing]).toEqual([...map]);
          expect(JSON.stringify({ listing })).toBe(JSON.stringify({ listing: [...map.entries()] }));
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('lets its entries be deleted while iterating them', () => {
    const listing = FiringListing.of([
      ['a', new Date(1)],
      ['b', new Date(2)],
      ['c', new Date(3)],
    ]);
    for (const [fingerprint] of listing) listing.delete(fingerprint);
    expect(listing.size).toBe(0);
  });
});

describe('StringPool', () => {
  it('gives back an equal string and never holds more than its capacity', () => {
    const pool = new StringPool(3);
    const first = ['High', 'ErrorRate'].join('');
    expect(pool.intern(first)).toBe(first);
    expect(pool.intern(['HighError', 'Rate'].join(''))).toBe(first);
    for (const text of ['b', 'c', 'd', 'e']) expect(pool.intern(text)).toBe(text);
    expect((pool as unknown as { strings: Map<string, string> }).strings.size).toBeLessThanOrEqual(3);
    expect(pool.labels({ alertname: 'HighErrorRate', severity: 'page' })).toEqual({
      alertname: 'HighErrorRate',
      severity: 'page',
    });
  });
});
