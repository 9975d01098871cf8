import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseEntryRequest,
  parseTimelineEntryRecord,
  TIMELINE_ENTRY_SCHEMA_NAME,
  type TimelineEntryRecordV1,
} from './timeline-entry-record.js';

/*
 * What an edge parser accepts, the record schema its readers use must accept too, after the JSON
 * round trip through the bus. For alerts and changes this runs through alert-ingest's app
 * (services/alert-ingest/src/ingest-fuzz.test.ts); for people's entries the record is built here
 * as the recorder's POST /entries builds it.
 */

const NOW = new Date('2026-11-22T06:00:30.000Z');

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '__proto__'),
);
const instant = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '0000-01-01T00:00:00+05:30',
    '0001-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00+01:00',
    '1970-01-01T00:00:00Z',
    '2026-11-22T03:00:00.123456789+01:00',
  ),
);
const entryBody = fc
  .record(
    {
      id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/), text),
      kind: fc.constantFrom('acknowledged', 'note', 'escalated', 'mitigated', 'fixed'),
      at: instant,
      author: text,
      text,
    },
    { requiredKeys: ['kind', 'author', 'text'] },
  )
  // `to` goes with escalations (as the schema asks), now and then elsewhere too.
  .chain((body) =>
    fc
      .oneof({ weight: 4, arbitrary: fc.constant(body.kind === 'escalated') }, fc.boolean())
      .chain((withTo) => (withTo ? text.map((to) => ({ ...body, to })) : fc.constant(body))),
  );

describe('entries: what the edge accepts, the record schema accepts', () => {
  it('holds for any entry body', () => {
    let accepted = 0;
    fc.assert(
      fc.property(entryBody, (body) => {
        const parsed = parseEntryRequest(body);
        if (!parsed.ok) return;
        const request = parsed.value;
        const at = request.at ?? NOW;
        // The recorder refuses entries in the future; everything else becomes a record.
        if (at.getTime() > NOW.getTime()) return;
        accepted += 1;
        const record: TimelineEntryRecordV1 = {
          schema: TIMELINE_ENTRY_SCHEMA_NAME,
          id: request.id ?? 'generated-id',
          incidentId: 'inc_954c876a90dc6ef3fd45',
          kind: request.kind,
          at: at.toISOString(),
          recordedAt: NOW.toISOString(),
          author: request.author,
          text: request.text,
          to: request.to ?? null,
        };
        const read = parseTimelineEntryRecord(JSON.parse(JSON.stringify(record)));
        expect(read, JSON.stringify(record)).toEqual({ ok: true, value: record });
      }),
      { numRuns: 2000, seed: 20261122 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
