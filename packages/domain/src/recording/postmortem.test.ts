// Golden tests: the drafts are compared with files in __golden__/. After an intended change to
// the output, refresh them with `UPDATE_GOLDEN=1 npx vitest run --project unit postmortem` and
// review the diff like any other change.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HumanEntry, HumanEntryKind } from './entries.js';
import { recordIncident, type IncidentRecord } from './incident-record.js';
import { humanDuration, isValidTimeZone, renderPostmortem } from './postmortem.js';
import { lbOutageEvents, minute as at } from '../testing/index.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '__golden__');

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) throw new Error(`golden file ${name} is missing`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** The reference outage's events; `resolve: false` watches it only until minute 10, still open. */
const outage = (resolve = true) => lbOutageEvents(resolve ? {} : { until: 10 });

let counter = 0;
function entry(kind: HumanEntryKind, minute: number, text: string, extra: Partial<HumanEntry> = {}): HumanEntry {
  counter += 1;
  return {
    id: `entry-${counter}`,
    incidentId: 'x',
    kind,
    at: at(minute),
    recordedAt: at(minute + 1),
    author: 'oncall@example.com',
    text,
    to: null,
    ...extra,
  };
}

const people = (): HumanEntry[] => [
  entry('acknowledged', 6, ''),
  entry('misleading_path', 10, 'suspected the users database: its latency alert fired last month'),
  entry('escalated', 15, '', { to: 'platform lead' }),
  entry('root_cause', 24, 'the balancer change sent 5/7 of logins to one backend, which saturated'),
  entry('mitigated', 25, 'reverted the balancer weights to 1:1:1'),
];

/** The same record, every time moved by `ms`: the outage replayed at another date. */
function shifted<T>(value: T, ms: number): T {
  if (value instanceof Date) return new Date(value.getTime() + ms) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => shifted(item, ms)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shifted(item, ms)])) as T;
  }
  return value;
}

describe('postmortem draft', () => {
  const record = recordIncident(outage(), people(), at(120));

  it('renders the reference outage in UTC (golden)', () => {
    golden('postmortem-utc.md', renderPostmortem(record));
  });

  it('renders the reference outage in New York time (golden)', () => {
    golden('postmortem-new-york.md', renderPostmortem(record, { zone: 'America/New_York' }));
  });

  it('has every section of the team’s postmortems, prompts where only people can write', () => {
    const draft = renderPostmortem(recordIncident(outage(), [], at(120)), { zone: 'Europe/Berlin' });
    const headings = draft.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual([
      '## Issue Summary',
      '## Timeline',
      '## Root Cause and Resolution',
      '## Corrective and Preventative Measures',
    ]);
    expect(draft).toContain('all times in Europe/Berlin');
    expect(draft).toContain('_Describe what was done to mitigate and resolve');
    expect(draft).toContain('- [ ] ');
  });

  it('labels each time with its offset across a DST change, durations unaffected', () => {
    // Move the outage to 2026-03-29 00:45 UTC: London goes from GMT to BST at 01:00 UTC.
    const ms = Date.parse('2026-03-29T00:45:00Z') - at(0).getTime();
    const moved: IncidentRecord = shifted(record, ms);
    const draft = renderPostmortem(moved, { zone: 'Europe/London' });
    expect(draft).toContain('**Start of impact:** 2026-03-29 00:45:00 UTC+00:00');
    // Resolved at minute 32: 01:17 UTC, which London shows as 02:17 BST.
    expect(draft).toContain('**End:** 2026-03-29 02:17:00 UTC+01:00');
    expect(draft).toContain('**Duration:** 32m 00s');
    const timeline = draft.slice(draft.indexOf('## Timeline'), draft.indexOf('## Root Cause'));
    expect(timeline).toContain('00:51:00 UTC+00:00** [person: acknowledged]');
    expect(timeline).toContain('02:10:00 UTC+01:00** [person: mitigated]');
  });

  it('says an open incident is ongoing, with the duration so far', () => {
    const draft = renderPostmortem(recordIncident(outage(false), [], at(45)));
    expect(draft).toContain('**End:** ongoing (open)');
    expect(draft).toContain('**Duration:** 45m 00s so far');
    expect(draft).toContain('status open');
  });

  it('refuses a zone that is not IANA', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => renderPostmortem(record, { zone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it('shows the date again only when the day changes', () => {
    const draft = renderPostmortem(record, { zone: 'Pacific/Auckland' });
    const lines = draft.split('\n').filter((line) => line.startsWith('- **') && line.includes('] '));
    const dated = lines.filter((line) => /^- \*\*\d{4}-/.test(line));
    expect(dated).toHaveLength(1);
  });

  it('writes durations as people say them', () => {
    expect([
      humanDuration(null),
      humanDuration(45),
      humanDuration(270),
      humanDuration(3900),
      humanDuration(183_600),
    ]).toEqual(['—', '45s', '4m 30s', '1h 05m', '2d 03h']);
  });
});
