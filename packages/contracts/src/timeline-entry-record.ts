import { z } from 'zod';
import { rfc3339, recordInstant } from './time.js';
import { parseWith, storableText, type ParseResult } from './validation.js';

export const TIMELINE_ENTRY_SCHEMA_NAME = 'sitrep.timeline-entry.v1';

/** What a person can add to an incident's timeline (the domain's HUMAN_ENTRY_KINDS, on the wire). */
export const ENTRY_KINDS = [
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

const ENTRY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Body of `POST /api/v1/incidents/{id}/entries`. */
export const entryRequestSchema = z
  .object({
    /** Optional sender-chosen id: a retried request with the same id is recorded once. */
    id: z.string().regex(ENTRY_ID, { error: 'must be 1-128 characters of letters, digits, . _ : -' }).optional(),
    kind: z.enum(ENTRY_KINDS, { error: `must be one of ${ENTRY_KINDS.join(', ')}` }),
    /** When it happened; defaults to now. Backdating is fine, the future is not. */
    at: rfc3339.optional(),
    author: storableText('must be a string')
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(256, { error: 'must be at most 256 characters' }),
    text: storableText('must be a string').trim().max(10_000, { error: 'must be at most 10000 characters' }),
    /** For `escalated`: to whom (a person, a team, a rotation). */
    to: storableText().trim().min(1, { error: 'must not be empty' }).max(256).optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.kind === 'escalated' && entry.to === undefined) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is required when kind is escalated (to whom)' });
    }
    if (entry.kind !== 'escalated' && entry.to !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is only for kind escalated' });
    }
    // Text is what the entry says; only these kinds say enough on their own.
    const selfExplanatory = ['acknowledged', 'escalated', 'mitigated', 'resolved', 'closed', 'impact_started'];
    if (entry.text === '' && !selfExplanatory.includes(entry.kind)) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: `must not be empty for kind ${entry.kind}` });
    }
  });

export type EntryRequest = z.output<typeof entryRequestSchema>;

export function parseEntryRequest(body: unknown): ParseResult<EntryRequest> {
  return parseWith(entryRequestSchema, body);
}

/**
 * Value of each record on `sitrep.timeline-entries.v1` (key: the incident id): people's entries
 * travel on the bus like incident events, so every recorder instance sees them and a rebuild
 * from the topics restores them.
 */
export interface TimelineEntryRecordV1 {
  readonly schema: typeof TIMELINE_ENTRY_SCHEMA_NAME;
  readonly id: string;
  readonly incidentId: string;
  readonly kind: (typeof ENTRY_KINDS)[number];
  readonly at: string;
  readonly recordedAt: string;
  readonly author: string;
  readonly text: string;
  readonly to: string | null;
}

export const timelineEntryRecordSchema = z.object({
  schema: z.literal(TIMELINE_ENTRY_SCHEMA_NAME),
  id: z.string().regex(ENTRY_ID),
  incidentId: storableText().min(1),
  kind: z.enum(ENTRY_KINDS),
  at: recordInstant,
  recordedAt: recordInstant,
  author: storableText(),
  text: storableText(),
  to: storableText().nullable(),
});

export function parseTimelineEntryRecord(value: unknown): ParseResult<TimelineEntryRecordV1> {
  return parseWith(timelineEntryRecordSchema, value);
}
