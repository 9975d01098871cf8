import { describe, expect, it } from 'vitest';
import { parseChangeRecord, parseChangeRequest } from './change-record.js';

function validChange(): Record<string, unknown> {
  return {
    service: 'auth',
    kind: 'config',
    summary: 'shift 20% of traffic to eu-west-2',
    at: '2026-11-22T05:55:00Z',
    labels: { team: 'identity', env: 'prod' },
    link: 'https://ci.example/pipelines/4711',
  };
}

function issuePaths(body: unknown): string[] {
  const result = parseChangeRequest(body);
  if (result.ok) throw new Error('expected the body to be rejected');
  return result.issues.map((issue) => issue.path);
}

describe('parseChangeRequest', () => {
  it('parses a valid change', () => {
    const result = parseChangeRequest(validChange());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value).toEqual({
      service: 'auth',
      kind: 'config',
      summary: 'shift 20% of traffic to eu-west-2',
      at: new Date('2026-11-22T05:55:00Z'),
      labels: { team: 'identity', env: 'prod' },
      link: 'https://ci.example/pipelines/4711',
    });
  });

  it('accepts a sender-chosen id and defaults labels', () => {
    const body = validChange();
    delete body.labels;
    delete body.link;
    body.id = 'gh-actions:run.4711_1';
    const result = parseChangeRequest(body);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.id).toBe('gh-actions:run.4711_1');
    expect(result.value.labels).toEqual({});
    expect(result.value.link).toBeUndefined();
  });

  it('rejects an empty service', () => {
    expect(issuePaths({ ...validChange(), service: '' })).toEqual(['service']);
    expect(issuePaths({ ...validChange(), service: '   ' })).toEqual(['service']);
  });

  it('rejects a kind that is not a lower-case word', () => {
    expect(issuePaths({ ...validChange(), kind: 'Deploy Now' })).toEqual(['kind']);
  });

  it('rejects a missing summary', () => {
    const body = validChange();
    delete body.summary;
    expect(issuePaths(body)).toEqual(['summary']);
  });

  it('rejects an at that is not RFC 3339', () => {
    expect(issuePaths({ ...validChange(), at: '22/11/2026 05:55' })).toEqual(['at']);
  });

  it('rejects a link that is not http(s)', () => {
    expect(issuePaths({ ...validChange(), link: 'ftp://x' })).toEqual(['link']);
  });

  it('rejects an invalid label name, naming the label', () => {
    const paths = issuePaths({ ...validChange(), labels: { team: 'identity', '1bad': 'x' } });
    expect(paths).toEqual(['labels["1bad"]']);
  });

  it('rejects an id with spaces', () => {
    expect(issuePaths({ ...validChange(), id: 'run 4711' })).toEqual(['id']);
  });

  it('rejects a body that is not an object', () => {
    expect(issuePaths('deploy')).toEqual(['(body)']);
  });
});

describe('timestamps', () => {
  it('refuses dates the calendar does not have, rather than rolling them over', () => {
    for (const at of ['2026-02-30T00:00:00Z', '2026-11-22T24:00:00Z', '2026-13-01T00:00:00Z', '2026-11-22T03:60:00Z']) {
      const result = parseChangeRequest({ ...validChange(), at });
      expect(result.ok, at).toBe(false);
    }
    expect(parseChangeRequest({ ...validChange(), at: '2028-02-29T23:59:59.999+05:30' }).ok).toBe(true);
  });
});

describe('only what every reader can store', () => {
  it('refuses instants outside 1970..9999 and unstorable strings, naming the field', () => {
    expect(issuePaths({ ...validChange(), at: '0000-01-01T00:00:00Z' })).toEqual(['at']);
    expect(issuePaths({ ...validChange(), at: '1960-01-01T00:00:00Z' })).toEqual(['at']);
    expect(issuePaths({ ...validChange(), summary: 'null \u0000 byte' })).toEqual(['summary']);
    expect(issuePaths({ ...validChange(), service: 'auth\udfff' })).toEqual(['service']);
    expect(issuePaths({ ...validChange(), labels: { team: '\ud800' } })).toEqual(['labels.team']);
    expect(issuePaths({ ...validChange(), link: 'https://ci.example/\u0000' })).toEqual(['link']);
    const proto = JSON.parse('{"__proto__": "x"}') as unknown;
    expect(issuePaths({ ...validChange(), labels: proto })).toEqual(['labels.__proto__']);
  });

  it('refuses the same in records, so a consumer and the edge agree', () => {
    const record = {
      schema: 'sitrep.change.v1',
      id: 'c1',
      service: 'auth',
      kind: 'deploy',
      summary: 'v1',
      at: '2026-11-22T05:55:00.000Z',
      labels: {},
      link: null,
      receivedAt: '2026-11-22T05:55:01.000Z',
    };
    expect(parseChangeRecord(record).ok).toBe(true);
    expect(parseChangeRecord({ ...record, at: '0000-01-01T00:00:00.000Z' }).ok).toBe(false);
    expect(parseChangeRecord({ ...record, summary: '\u0000' }).ok).toBe(false);
  });
});
