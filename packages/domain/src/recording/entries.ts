/** What a person can add to an incident's timeline. */
export const HUMAN_ENTRY_KINDS = [
  'acknowledged',
  'escalated',
  'note',
  'action',
  'misleading_path',
  'root_cause',
  'mitigated',
  'resolved',
  'closed',
  'impact_started',
] as const;

export type HumanEntryKind = (typeof HUMAN_ENTRY_KINDS)[number];

/** What Sitrep writes by itself, from incident events. */
export type AutomaticEntryKind =
  | 'impact_started'
  | 'detected'
  | 'alert_fired'
  | 'alert_resolved'
  | 'change'
  | 'cause_ranked'
  | 'severity_changed'
  | 'incident_resolved'
  | 'reopened';

export type EntrySource = 'alert' | 'change' | 'person' | 'system';

/** A person's entry: `at` is when it happened (may be backdated), `recordedAt` when it was written. */
export interface HumanEntry {
  readonly id: string;
  readonly incidentId: string;
  readonly kind: HumanEntryKind;
  readonly at: Date;
  readonly recordedAt: Date;
  readonly author: string;
  readonly text: string;
  /** For `escalated`: to whom. */
  readonly to: string | null;
}

export interface TimelineEntry {
  readonly id: string;
  readonly at: Date;
  readonly kind: AutomaticEntryKind | HumanEntryKind;
  readonly source: EntrySource;
  readonly text: string;
  readonly author: string | null;
}

export function isHumanEntryKind(value: string): value is HumanEntryKind {
  return (HUMAN_ENTRY_KINDS as readonly string[]).includes(value);
}
