/**
 * One alert occurrence: the alert (its label-set fingerprint) from one `startsAt`. Alertmanager
 * keeps the fingerprint when the same alert fires again, so the pair is what tells a second
 * firing from a repeat of the first.
 */
export interface Occurrence {
  readonly fingerprint: string;
  readonly startsAt: Date;
}

/** Equal for equal occurrences, whatever the text the times were parsed from. */
export function occurrenceKey(occurrence: Occurrence): string {
  return `${occurrence.fingerprint}\u0000${occurrence.startsAt.getTime()}`;
}
