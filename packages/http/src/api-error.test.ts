import { describe, expect, it } from 'vitest';
import { MAX_LISTED_PROBLEMS } from '@sitrep/contracts';
import { ApiError, invalidPayload } from './api-error.js';

const problems = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ field: `alerts[${index}].labels`, message: 'is required' }));

describe('error bodies', () => {
  it('list every problem when there are few, with their count', () => {
    const body = invalidPayload(problems(2)).toBody();
    expect(body.error.details).toHaveLength(2);
    expect(body.error.detailCount).toBe(2);
    expect(body.error.field).toBe('alerts[0].labels');
  });

  it('list at most the first 20 problems and say how many there were', () => {
    const body = invalidPayload(problems(225_000)).toBody();
    expect(MAX_LISTED_PROBLEMS).toBe(20);
    expect(body.error.details?.map((detail) => detail.field)).toEqual(problems(20).map((problem) => problem.field));
    expect(body.error.detailCount).toBe(225_000);
    expect(body.error.message).toContain('(and 224997 more)');
    expect(JSON.stringify(body).length).toBeLessThan(4096);
  });

  it('clip a megabyte-long field name or message, whole surrogate pairs only', () => {
    const key = `labels["${'😀'.repeat(512 * 1024)}"]`;
    const body = new ApiError('invalid_query', 'x'.repeat(1024 * 1024), {
      details: [{ field: key, message: 'é'.repeat(1024 * 1024) }],
    }).toBody();
    const text = JSON.stringify(body);
    expect(text.length).toBeLessThan(8192);
    expect(body.error.field?.endsWith('…')).toBe(true);
    expect(body.error.field).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(body.error.details?.[0]?.message.endsWith('…')).toBe(true);
  });

  it('have no details when there are none', () => {
    const body = new ApiError('not_found', 'no such incident').toBody();
    expect(body.error).toEqual({ code: 'not_found', message: 'no such incident' });
  });
});
