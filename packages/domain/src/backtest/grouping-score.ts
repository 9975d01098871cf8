import { occurrenceKey, type Occurrence } from './occurrence.js';

/** An incident as someone who knows what happened labelled it: the backtest's truth. */
export interface LabelledIncident {
  readonly id: string;
  /** What kind of trouble it was (`lb_outage`, `flapping`...); scores are broken down by it. */
  readonly shape?: string;
  /**
   * False when the alerts alone cannot tell how it groups (two independent failures on linked
   * services at the same time): still scored, but a correlator is not expected to get it right.
   */
  readonly unambiguous?: boolean;
  readonly alerts: readonly Occurrence[];
}

/** An incident as the correlator made it: its attached alert occurrences. */
export interface GroupedIncident {
  readonly id: string;
  readonly alerts: readonly Occurrence[];
}

/** Unordered pairs of labelled occurrences. */
export interface PairCounts {
  /** In one predicted incident and in one true incident. */
  readonly together: number;
  /** In one predicted incident. */
  readonly predicted: number;
  /** In one true incident. */
  readonly labelled: number;
}

export interface TrueIncidentRef {
  readonly id: string;
  readonly shape: string | null;
  readonly unambiguous: boolean | null;
}

/** A true incident whose occurrences Sitrep spread over more than one incident. */
export interface SplitIncident extends TrueIncidentRef {
  /** The predicted incidents holding any of its occurrences, with how many each, in predicted order. */
  readonly parts: readonly { readonly incident: string; readonly alerts: number }[];
}

/** A predicted incident holding occurrences of more than one true incident. */
export interface MergedIncident {
  readonly id: string;
  readonly trueIncidents: readonly (TrueIncidentRef & { readonly alerts: number })[];
}

/** A labelled occurrence that no predicted incident holds. */
export interface MissedOccurrence extends Occurrence {
  readonly incident: string;
}

export interface ShapeScore {
  readonly shape: string;
  readonly trueIncidents: number;
  /** Its true incidents that were split. */
  readonly split: number;
  /** Its true incidents that share a predicted incident with another true incident. */
  readonly merged: number;
  /** Of the predicted pairs with at least one occurrence of this shape, the share that is right. */
  readonly precision: number;
  /** Of the true pairs within its incidents, the share Sitrep put together. */
  readonly recall: number;
  readonly f1: number;
}

export interface GroupingScore {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly pairs: PairCounts;
  /** Predicted incidents (labelled or not). */
  readonly incidents: number;
  readonly trueIncidents: number;
  /** Distinct labelled occurrences. */
  readonly occurrences: number;
  readonly splitIncidents: readonly SplitIncident[];
  readonly mergedIncidents: readonly MergedIncident[];
  readonly missed: readonly MissedOccurrence[];
  /** Predicted occurrences no true incident lists: left out of every figure. */
  readonly unlabelled: number;
  /** Occurrences attached to more than one predicted incident: their pairs count in the first only. */
  readonly reattached: number;
  /** One per shape named in the truth, in order of first appearance. */
  readonly shapes: readonly ShapeScore[];
}

const pairsOf = (n: number): number => (n * (n - 1)) / 2;

/** Pairwise precision over a zero-pair denominator is 1: nothing was claimed, nothing is wrong. */
const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 1 : numerator / denominator);
const harmonic = (precision: number, recall: number): number =>
  precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);

const refOf = (incident: LabelledIncident): TrueIncidentRef => ({
  id: incident.id,
  shape: incident.shape ?? null,
  unambiguous: incident.unambiguous ?? null,
});

/**
 * Scores a grouping against labelled truth, pairwise over alert occurrences (fingerprint +
 * startsAt): precision is the share of pairs Sitrep put in one incident that belong to one true
 * incident, recall the share of pairs of one true incident that Sitrep put in one incident.
 *
 * Occurrences on one side only:
 * - labelled but in no predicted incident (`missed`: never delivered, or dropped by Sitrep): a
 *   predicted incident of its own, so its true pairs count against recall; it splits nothing;
 * - predicted but in no true incident (`unlabelled`): left out, so a truth that labels only some
 *   incidents scores those alone (a predicted incident mixing them with labelled ones is not a
 *   merge);
 * - attached to several predicted incidents (`reattached`): its pairs count in the first only,
 *   but its true incident is split over all of them (and each of them holds it in a merge).
 * A zero-pair denominator gives 1 (all singletons, each on its own, scores 1); F1 is their
 * harmonic mean. Pure and deterministic: lists come in truth or predicted order.
 */
export function scoreGrouping(
  predicted: readonly GroupedIncident[],
  truth: readonly LabelledIncident[],
): GroupingScore {
  const owner = new Map<string, number>();
  const sizes = truth.map(() => 0);
  truth.forEach((incident, index) => {
    for (const alert of incident.alerts) {
      const key = occurrenceKey(alert);
      const known = owner.get(key);
      if (known === index) continue;
      if (known !== undefined) {
        throw new RangeError(`true incidents ${truth[known]?.id} and ${incident.id} both list ${alert.fingerprint}`);
      }
      owner.set(key, index);
      sizes[index] = (sizes[index] ?? 0) + 1;
    }
  });

  const placed = new Map<string, number>();
  // Per predicted incident: labelled occurrences per true incident (the contingency table).
  const cells = predicted.map(() => new Map<number, number>());
  let unlabelled = 0;
  let reattached = 0;
  predicted.forEach((incident, index) => {
    const row = cells[index] as Map<number, number>;
    for (const alert of incident.alerts) {
      const key = occurrenceKey(alert);
      const first = placed.get(key);
      if (first !== undefined) {
        if (first !== index) reattached += 1;
        continue;
      }
      placed.set(key, index);
      const trueIndex = owner.get(key);
      if (trueIndex === undefined) unlabelled += 1;
      else row.set(trueIndex, (row.get(trueIndex) ?? 0) + 1);
    }
  });

  const missed: MissedOccurrence[] = [];
  truth.forEach((incident, index) => {
    const seen = new Set<string>();
    for (const alert of incident.alerts) {
      const key = occurrenceKey(alert);
      if (seen.has(key) || owner.get(key) !== index) continue;
      seen.add(key);
      if (!placed.has(key))
        missed.push({ incident: incident.id, fingerprint: alert.fingerprint, startsAt: alert.startsAt });
    }
  });

  // Every attachment, each occurrence once per incident: what the on-call engineer sees, and so
  // what splits and merges are made of (the pairs count each occurrence in its first incident).
  const holds = predicted.map((incident) => {
    const row = new Map<number, number>();
    for (const key of new Set(incident.alerts.map(occurrenceKey))) {
      const trueIndex = owner.get(key);
      if (trueIndex !== undefined) row.set(trueIndex, (row.get(trueIndex) ?? 0) + 1);
    }
    return row;
  });

  const shapeOf = (index: number): string | undefined => truth[index]?.shape;
  const shapeTally = new Map<string, { together: number; predicted: number; labelled: number }>();
  const tally = (shape: string | undefined) => {
    if (shape === undefined) return undefined;
    let entry = shapeTally.get(shape);
    if (!entry) {
      entry = { together: 0, predicted: 0, labelled: 0 };
      shapeTally.set(shape, entry);
    }
    return entry;
  };
  truth.forEach((incident, index) => {
    const entry = tally(incident.shape);
    if (entry) entry.labelled += pairsOf(sizes[index] ?? 0);
  });

  let together = 0;
  let predictedPairs = 0;
  const parts = truth.map((): { incident: string; alerts: number }[] => []);
  const mergedIncidents: MergedIncident[] = [];
  const inMerge = new Set<number>();
  for (const row of cells) {
    let size = 0;
    const perShape = new Map<string, number>();
    for (const [trueIndex, count] of row) {
      size += count;
      together += pairsOf(count);
      const shape = shapeOf(trueIndex);
      const entry = tally(shape);
      if (entry && shape !== undefined) {
        entry.together += pairsOf(count);
        perShape.set(shape, (perShape.get(shape) ?? 0) + count);
      }
    }
    predictedPairs += pairsOf(size);
    // Pairs with at least one occurrence of the shape: among its own, and with every other one.
    for (const [shape, count] of perShape) {
      const entry = tally(shape);
      if (entry) entry.predicted += pairsOf(count) + count * (size - count);
    }
  }
  holds.forEach((row, index) => {
    for (const [trueIndex, count] of row)
      parts[trueIndex]?.push({ incident: predicted[index]?.id ?? '', alerts: count });
    if (row.size > 1) {
      for (const trueIndex of row.keys()) inMerge.add(trueIndex);
      mergedIncidents.push({
        id: predicted[index]?.id ?? '',
        trueIncidents: [...row].map(([trueIndex, count]) => ({
          ...refOf(truth[trueIndex] as LabelledIncident),
          alerts: count,
        })),
      });
    }
  });

  const splitIncidents: SplitIncident[] = [];
  const splitSet = new Set<number>();
  truth.forEach((incident, index) => {
    const incidentParts = parts[index] ?? [];
    if (incidentParts.length > 1) {
      splitSet.add(index);
      splitIncidents.push({ ...refOf(incident), parts: incidentParts });
    }
  });

  const labelledPairs = sizes.reduce((sum, size) => sum + pairsOf(size), 0);
  const precision = ratio(together, predictedPairs);
  const recall = ratio(together, labelledPairs);
  const shapes: ShapeScore[] = [...shapeTally].map(([shape, counts]) => {
    const members = truth.flatMap((incident, index) => (incident.shape === shape ? [index] : []));
    const shapePrecision = ratio(counts.together, counts.predicted);
    const shapeRecall = ratio(counts.together, counts.labelled);
    return {
      shape,
      trueIncidents: members.length,
      split: members.filter((index) => splitSet.has(index)).length,
      merged: members.filter((index) => inMerge.has(index)).length,
      precision: shapePrecision,
      recall: shapeRecall,
      f1: harmonic(shapePrecision, shapeRecall),
    };
  });

  return {
    precision,
    recall,
    f1: harmonic(precision, recall),
    pairs: { together, predicted: predictedPairs, labelled: labelledPairs },
    incidents: predicted.length,
    trueIncidents: truth.length,
    occurrences: owner.size,
    splitIncidents,
    mergedIncidents,
    missed,
    unlabelled,
    reattached,
    shapes,
  };
}
