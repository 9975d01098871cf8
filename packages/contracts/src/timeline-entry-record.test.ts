import { describe, expect, it } from 'vitest';
import { parseEntryRequest, parseTimelineEntryRecord } from './timeline-entry-record.js';

function issuePaths(body: unknown): string[] {
  const result = parseEntryRequest(body);
  if (result.ok) throw new Error('expected the body to be rejected');
  return result.issues.map((issue) => issue.path);
}

describe('parseEntryRequest', () => {
  it('parses an entry, defaulting nothing it was not given', () => {
    const result = parseEntryRequest({
      kind: 'mitigated',
      at: '2026-11-22T03:40:00+01:00',
      author: ' oncall@example.com ',
      text: 'reverted the LB weights',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value).toEqual({
      kind: 'mitigated',
      at: new Date('2026-11-22T02:40:00Z'),
      author: 'oncall@example.com',
      text: 'reverted the LB weights',
    });
  });

  it('names the field at fault', () => {
    expect(issuePaths({ kind: 'fixed', author: 'a', text: 'x' })).toEqual(['kind']);
    expect(issuePaths({ kind: 'note', author: '', text: 'x' })).toEqual(['author']);
    expect(issuePaths({ kind: 'note', author: 'a', text: 'x', at: 'yesterday' })).toEqual(['at']);
    expect(issuePaths({ kind: 'note', author: 'a', text: '  ' })).toEqual(['text']);
    expect(issuePaths({ kind: 'note', author: 'a', text: 'x', id: 'no spaces please' })).toEqual(['id']);
    expect(issuePaths({ kind: 'note', text: 'x' })).toEqual(['author']);
    expect(issuePaths([])).toEqual(['(body)']);
  });

  it('wants to whom an escalation went, and only for escalations', () => {
    expect(issuePaths({ kind: 'escalated', author: 'a', text: '' })).toEqual(['to']);
    expect(issuePaths({ kind: 'note', author: 'a', text: 'x', to: 'db-team' })).toEqual(['to']);
    expect(parseEntryRequest({ kind: 'escalated', author: 'a', text: '', to: 'db-team' }).ok).toBe(true);
  });

  it('lets self-explanatory kinds go without text', () => {
    for (const kind of ['acknowledged', 'mitigated', 'resolved', 'closed', 'impact_started']) {
      expect(parseEntryRequest({ kind, author: 'a', text: '' }).ok).toBe(true);
    }
  });
});

describe('parseTimelineEntryRecord', () => {
  it('accepts what the recorder publishes and refuses other shapes', () => {
    const record = {
      schema: 'sitrep.timeline-entry.v1',
      id: 'e-1',
      incidentId: 'inc-1',
      kind: 'note',
      at: '2026-11-22T03:00:00.000Z',
      recordedAt: '2026-11-22T03:01:00.000Z',
      author: 'a',
      text: 'x',
      to: null,
    };
    expect(parseTimelineEntryRecord(record).ok).toBe(true);
    expect(parseTimelineEntryRecord({ ...record, kind: 'detected' }).ok).toBe(false);
    expect(parseTimelineEntryRecord({ ...record, at: 'now' }).ok).toBe(false);
  });
});

describe('only what every reader can store', () => {
  it('refuses NUL and unpaired surrogates, and instants before 1970, naming the field', () => {
    expect(issuePaths({ kind: 'note', author: 'a', text: 'x\u0000' })).toEqual(['text']);
    expect(issuePaths({ kind: 'note', author: '\ud800', text: 'x' })).toEqual(['author']);
    expect(issuePaths({ kind: 'escalated', author: 'a', text: '', to: '\udc00' })).toEqual(['to']);
    expect(issuePaths({ kind: 'note', author: 'a', text: 'x', at: '1969-07-20T20:17:00Z' })).toEqual(['at']);
  });
});
