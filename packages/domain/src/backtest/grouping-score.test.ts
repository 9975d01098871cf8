import { describe, expect, it } from 'vitest';
import { scoreGrouping, type GroupedIncident, type LabelledIncident } from './grouping-score.js';
import type { Occurrence } from './occurrence.js';

/** Occurrence `name` (its fingerprint) starting `minute` minutes into the day. */
const o = (name: string, minute = 0): Occurrence => ({
  fingerprint: name,
  startsAt: new Date(Date.parse('2026-11-22T03:00:00Z') + minute * 60_000),
});
const incident = (id: string, alerts: Occurrence[], extra: Partial<LabelledIncident> = {}) => ({
  id,
  alerts,
  ...extra,
});

describe('scoreGrouping, against hand-computed figures', () => {
  it('scores a perfect grouping 1', () => {
    // True pairs: A has 3 (a1a2, a1a3, a2a3), B has 1, C none: 4. Sitrep claims the same 4.
    const truth = [
      incident('A', [o('a1'), o('a2'), o('a3')]),
      incident('B', [o('b1'), o('b2')]),
      incident('C', [o('c1')]),
    ];
    const predicted: GroupedIncident[] = [
      incident('p1', [o('a3'), o('a1'), o('a2')]),
      incident('p2', [o('b1'), o('b2')]),
      incident('p3', [o('c1')]),
    ];
    const score = scoreGrouping(predicted, truth);
    expect(score).toMatchObject({
      precision: 1,
      recall: 1,
      f1: 1,
      pairs: { together: 4, predicted: 4, labelled: 4 },
      incidents: 3,
      trueIncidents: 3,
      occurrences: 6,
      splitIncidents: [],
      mergedIncidents: [],
      missed: [],
      unlabelled: 0,
      reattached: 0,
    });
  });

  it('one split: every claimed pair right, half the true pairs found', () => {
    // A = {a1..a4}: C(4,2) = 6 true pairs. p1 = {a1,a2,a3} claims 3, all right; p2 = {a4} none.
    // precision 3/3 = 1, recall 3/6 = 0.5, F1 = 2 * 1 * 0.5 / 1.5 = 2/3.
    const truth = [incident('A', [o('a1'), o('a2'), o('a3'), o('a4')], { shape: 'flapping', unambiguous: true })];
    const score = scoreGrouping([incident('p1', [o('a1'), o('a2'), o('a3')]), incident('p2', [o('a4')])], truth);
    expect(score.pairs).toEqual({ together: 3, predicted: 3, labelled: 6 });
    expect(score.precision).toBe(1);
    expect(score.recall).toBe(0.5);
    expect(score.f1).toBeCloseTo(2 / 3, 12);
    expect(score.splitIncidents).toEqual([
      {
        id: 'A',
        shape: 'flapping',
        unambiguous: true,
        parts: [
          { incident: 'p1', alerts: 3 },
          { incident: 'p2', alerts: 1 },
        ],
      },
    ]);
    expect(score.mergedIncidents).toEqual([]);
  });

  it('one merge: every true pair found, most claimed pairs wrong', () => {
    // A = {a1,a2} (1 pair), B = {b1,b2,b3} (3 pairs): 4 true pairs. p = all five: C(5,2) = 10
    // claimed, of which the 4 true ones are right. precision 0.4, recall 1, F1 = 0.8 / 1.4 = 4/7.
    const truth = [incident('A', [o('a1'), o('a2')]), incident('B', [o('b1'), o('b2'), o('b3')])];
    const score = scoreGrouping([incident('p', [o('a1'), o('b1'), o('a2'), o('b2'), o('b3')])], truth);
    expect(score.pairs).toEqual({ together: 4, predicted: 10, labelled: 4 });
    expect(score.precision).toBe(0.4);
    expect(score.recall).toBe(1);
    expect(score.f1).toBeCloseTo(4 / 7, 12);
    expect(score.mergedIncidents).toEqual([
      {
        id: 'p',
        trueIncidents: [
          { id: 'A', shape: null, unambiguous: null, alerts: 2 },
          { id: 'B', shape: null, unambiguous: null, alerts: 3 },
        ],
      },
    ]);
    expect(score.splitIncidents).toEqual([]);
  });

  it('singletons: no true pair, so recall is 1 and precision is whatever Sitrep claimed', () => {
    const truth = [incident('A', [o('a1')]), incident('B', [o('b1')]), incident('C', [o('c1')])];
    // Each on its own: nothing claimed (precision 1 by convention), nothing to find (recall 1).
    const apart = scoreGrouping(
      [incident('p1', [o('a1')]), incident('p2', [o('b1')]), incident('p3', [o('c1')])],
      truth,
    );
    expect([apart.precision, apart.recall, apart.f1]).toEqual([1, 1, 1]);
    // All in one: 3 pairs claimed, none right. precision 0, recall 1, F1 0.
    const lumped = scoreGrouping([incident('p', [o('a1'), o('b1'), o('c1')])], truth);
    expect(lumped.pairs).toEqual({ together: 0, predicted: 3, labelled: 0 });
    expect([lumped.precision, lumped.recall, lumped.f1]).toEqual([0, 1, 0]);
    expect(lumped.mergedIncidents[0]?.trueIncidents.map((t) => t.id)).toEqual(['A', 'B', 'C']);
  });

  it('occurrences on one side only: missed ones cost recall, unlabelled ones are left out', () => {
    // Truth A = {a1,a2,a3} (3 pairs), B = {b1}. Sitrep: p1 = {a1,a2,x1}, p2 = {x2}; never a3, b1.
    // x1, x2 are unlabelled: out. Claimed labelled pairs: a1a2 only, right. a3 and b1 are missed,
    // each alone: A's pairs with a3 are not found. precision 1/1, recall 1/3, F1 = (2/3)/(4/3) = 0.5.
    // A is not split: a3 is in no predicted incident, so A's occurrences are in p1 alone.
    const truth = [incident('A', [o('a1'), o('a2'), o('a3')]), incident('B', [o('b1')])];
    const score = scoreGrouping([incident('p1', [o('a1'), o('a2'), o('x1')]), incident('p2', [o('x2')])], truth);
    expect(score.pairs).toEqual({ together: 1, predicted: 1, labelled: 3 });
    expect([score.precision, score.recall, score.f1]).toEqual([1, 1 / 3, 0.5]);
    expect(score.missed).toEqual([
      { incident: 'A', ...o('a3') },
      { incident: 'B', ...o('b1') },
    ]);
    expect(score.unlabelled).toBe(2);
    expect(score.splitIncidents).toEqual([]);
    expect(score.mergedIncidents).toEqual([]);
    expect(score.incidents).toBe(2);
  });

  it('an occurrence attached to two predicted incidents pairs in the first, and splits its incident', () => {
    // p1 = {a1}, p2 = {a1 again, a2}: for the pairs a1 stays in p1, so A's one pair (a1a2) is
    // not found and none is claimed: precision 1 (vacuous), recall 0, F1 0. A is split: the
    // on-call engineer sees a1 in both p1 and p2.
    const score = scoreGrouping(
      [incident('p1', [o('a1')]), incident('p2', [o('a1'), o('a2')])],
      [incident('A', [o('a1'), o('a2')])],
    );
    expect(score.reattached).toBe(1);
    expect([score.precision, score.recall, score.f1]).toEqual([1, 0, 0]);
    expect(score.splitIncidents.map((split) => split.parts)).toEqual([
      [
        { incident: 'p1', alerts: 1 },
        { incident: 'p2', alerts: 2 },
      ],
    ]);
    // Holding B's occurrence as well as A's a1 again makes p2 a merge.
    const withB = scoreGrouping(
      [incident('p1', [o('a1'), o('a2')]), incident('p2', [o('a1'), o('b1')])],
      [incident('A', [o('a1'), o('a2')]), incident('B', [o('b1')])],
    );
    expect(withB.mergedIncidents.map((merged) => merged.id)).toEqual(['p2']);
    expect([withB.precision, withB.recall]).toEqual([1, 1]);
  });

  it('breaks the score down by shape', () => {
    // A (x) = {a1,a2}, B (y) = {b1,b2}, C (x) = {c1}. p1 = {a1,a2,b1}, p2 = {b2}, p3 = {c1}.
    // Overall: true pairs a1a2, b1b2 = 2; claimed: p1's 3; right: a1a2. P 1/3, R 1/2, F1 0.4.
    // x: true pairs 1 (a1a2), found 1; claimed pairs touching x: a1a2, a1b1, a2b1 = 3, right 1:
    //    P 1/3, R 1, F1 0.5; A is merged (with B in p1), nothing split.
    // y: true pair b1b2 not found; claimed pairs touching y: a1b1, a2b1 = 2, right 0: P 0, R 0,
    //    F1 0; B is split (p1, p2) and merged.
    const truth = [
      incident('A', [o('a1'), o('a2')], { shape: 'x' }),
      incident('B', [o('b1'), o('b2')], { shape: 'y' }),
      incident('C', [o('c1')], { shape: 'x' }),
    ];
    const score = scoreGrouping(
      [incident('p1', [o('a1'), o('a2'), o('b1')]), incident('p2', [o('b2')]), incident('p3', [o('c1')])],
      truth,
    );
    expect([score.precision, score.recall]).toEqual([1 / 3, 1 / 2]);
    expect(score.f1).toBeCloseTo(0.4, 12);
    expect(score.shapes).toEqual([
      { shape: 'x', trueIncidents: 2, split: 0, merged: 1, precision: 1 / 3, recall: 1, f1: 0.5 },
      { shape: 'y', trueIncidents: 1, split: 1, merged: 1, precision: 0, recall: 0, f1: 0 },
    ]);
  });

  it('knows an occurrence by its instant and fingerprint, not by the text of its time', () => {
    const truth = [incident('A', [{ fingerprint: 'f', startsAt: new Date('2026-11-22T03:00:00Z') }, o('f', 60)])];
    const predicted = [
      incident('p1', [{ fingerprint: 'f', startsAt: new Date('2026-11-22T04:00:00.000+01:00') }]),
      incident('p2', [o('f', 60)]),
    ];
    const score = scoreGrouping(predicted, truth);
    expect(score.missed).toEqual([]);
    expect(score.splitIncidents.map((split) => split.id)).toEqual(['A']);
  });

  it('refuses a truth that puts one occurrence in two incidents', () => {
    expect(() => scoreGrouping([], [incident('A', [o('a1')]), incident('B', [o('a1')])])).toThrow(RangeError);
  });
});
