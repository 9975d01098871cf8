import type { DependencyMap } from './dependency-map.js';
import type { CauseHint, IncidentChange } from './incident-event.js';
import { describeSignal, isCauseLike, isSymptomLike, type SignalClass } from './signal.js';

/** One possible cause: a signal on a service since its first alert, or a change. */
export interface CauseCandidate {
  readonly signal: SignalClass | 'change';
  readonly service: string;
  readonly since: Date;
  readonly change?: IncidentChange;
}

type Candidate = CauseCandidate;

/** The key under which alerts of one signal on one service form a single candidate. */
export function candidateKey(signal: SignalClass, service: string): string {
  return `${signal}\u0000${service}`;
}

function minutesBetween(earlier: Date, later: Date): string {
  const minutes = Math.round((later.getTime() - earlier.getTime()) / 60_000);
  if (minutes <= 0) return 'at the same time as';
  return `${minutes} min before`;
}

/**
 * The ranking keeps its first hints only: an incident with hundreds of services or changes must
 * not publish an event that grows with them (a record over the broker's size limit would stall
 * the partition), and nobody reads the 21st most likely cause at 3 AM.
 */
export const MAX_CAUSE_HINTS = 20;
/** A hint's reason quotes a change's summary: clipped, so a long summary cannot bloat it. */
export const MAX_REASON_LENGTH = 500;

const clip = (text: string): string =>
  text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;

/** Code-unit order: unlike localeCompare, the same on every host. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function classRank(signal: SignalClass | 'change'): number {
  if (isCauseLike(signal)) return 0;
  if (isSymptomLike(signal)) return 1;
  return 2;
}

/**
 * Ranks what probably caused an incident: cause-like signals (a change, load imbalance,
 * saturation) before symptoms (error rate, latency, availability), then earlier first, then
 * upstream in the dependency map first. Each hint says why, in words an on-call engineer can
 * check against the graphs.
 */
/** Ranks alert candidates (one per signal and service) together with the attached changes. */
export function rankCandidates(
  alertCandidates: readonly CauseCandidate[],
  changes: readonly IncidentChange[],
  dependencies: DependencyMap,
): CauseHint[] {
  const candidates: Candidate[] = [
    ...alertCandidates,
    ...changes.map((change) => ({ signal: 'change' as const, service: change.service, since: change.at, change })),
  ];
  candidates.sort(
    (a, b) =>
      classRank(a.signal) - classRank(b.signal) ||
      a.since.getTime() - b.since.getTime() ||
      dependencies.depth(a.service) - dependencies.depth(b.service) ||
      compareText(a.service, b.service) ||
      compareText(a.signal, b.signal),
  );
  const firstSymptom = candidates.find((candidate) => isSymptomLike(candidate.signal));
  return candidates.slice(0, MAX_CAUSE_HINTS).map((candidate, index) => {
    const hint: CauseHint = {
      rank: index + 1,
      signal: candidate.signal,
      service: candidate.service,
      since: candidate.since,
      reason: clip(reasonFor(candidate, firstSymptom, dependencies)),
      ...(candidate.change ? { changeId: candidate.change.changeId } : {}),
    };
    return hint;
  });
}

function reasonFor(candidate: Candidate, firstSymptom: Candidate | undefined, dependencies: DependencyMap): string {
  const what =
    candidate.change !== undefined
      ? `${candidate.change.kind} change '${candidate.change.summary}' on ${candidate.service}`
      : `${describeSignal(candidate.signal)} on ${candidate.service}`;
  if (!isCauseLike(candidate.signal)) {
    if (isSymptomLike(candidate.signal)) return `${what} is a symptom: it shows the impact, not its cause`;
    return `${what} is neither a known cause nor a known symptom`;
  }
  if (firstSymptom === undefined) return `${what}; no symptom alert yet`;
  const verb = candidate.change !== undefined ? 'was' : 'began';
  const parts = [
    `${what} ${verb} ${minutesBetween(candidate.since, firstSymptom.since)} the first ${describeSignal(firstSymptom.signal)} alert on ${firstSymptom.service}`,
  ];
  if (candidate.since > firstSymptom.since) {
    parts[0] = `${what} began after the first ${describeSignal(firstSymptom.signal)} alert on ${firstSymptom.service}`;
  }
  if (
    candidate.service !== firstSymptom.service &&
    dependencies.isUpstreamOf(candidate.service, firstSymptom.service)
  ) {
    parts.push(`${firstSymptom.service} depends on ${candidate.service}`);
  } else if (
    candidate.service !== firstSymptom.service &&
    dependencies.isUpstreamOf(firstSymptom.service, candidate.service)
  ) {
    parts.push(`${firstSymptom.service} calls ${candidate.service}`);
  }
  return parts.join('; ');
}
