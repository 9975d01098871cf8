import { describe, expect, it } from 'vitest';
import { formatPath } from './validation.js';

describe('formatPath', () => {
  it('names the whole body for an empty path', () => {
    expect(formatPath([])).toBe('(body)');
  });

  it('joins names with dots and indexes with brackets', () => {
    expect(formatPath(['a', 'b', 0, 'c'])).toBe('a.b[0].c');
    expect(formatPath(['alerts', 1, 'startsAt'])).toBe('alerts[1].startsAt');
  });

  it('quotes names that are not identifiers', () => {
    expect(formatPath(['weird key'])).toBe('["weird key"]');
    expect(formatPath(['labels', '1bad'])).toBe('labels["1bad"]');
  });

  it('starts with an index when the body is an array', () => {
    expect(formatPath([0, 'x'])).toBe('[0].x');
  });
});
