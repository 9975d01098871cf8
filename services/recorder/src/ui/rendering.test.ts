import { describe, expect, it } from 'vitest';
import { humanDuration } from '@sitrep/domain';
import { humanDuration as browserHumanDuration } from './client/human-duration.js';
import { entryRequestFromForm } from './entry-form.js';
import { html, jsonScript } from './html.js';
import { listOrder } from './list-page.js';
import { renderMarkdown } from './markdown.js';
import { safeNext, tokenLevel } from './auth.js';
import { parseLocalInput } from './zone.js';
import { splitThreshold } from './series.js';
import { spread } from './series-section.js';
import type { IncidentRow } from '@sitrep/store';

// Not named `html`, so the formatter leaves these templates' whitespace as written.
const markup = html;

describe('html', () => {
  it('escapes every interpolated value, and only those', () => {
    const text = '<script>alert("x")</script> & \'';
    expect(html`<p title="${text}">${text}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;</p>',
    );
    expect(markup`<ul>${['a', markup`<li>b</li>`, null, false, 3]}</ul>`.text).toBe('<ul>a<li>b</li>3</ul>');
  });

  it('writes JSON that no string can close its script tag with', () => {
    expect(jsonScript({ text: '</script><script>x()</script>' }).text).toBe(
      '{"text":"\\u003c/script>\\u003cscript>x()\\u003c/script>"}',
    );
  });
});

describe('postmortem Markdown', () => {
  it('renders headings, nested lists, task boxes and emphasis, escaping the text', () => {
    const rendered = renderMarkdown(
      [
        '# Postmortem draft: <b>x</b>',
        '',
        '- **Start:** `a` _prompt_',
        '  - also <img src=x onerror=alert(1)>',
        '- [ ] ',
        'plain',
      ].join('\n'),
    );
    expect(rendered).toBe(
      [
        '<h3>Postmortem draft: &lt;b&gt;x&lt;/b&gt;</h3>',
        '<ul>',
        '<li><strong>Start:</strong> <code>a</code> <em>prompt</em>',
        '<ul>',
        '<li>also &lt;img src=x onerror=alert(1)&gt;',
        '</li></ul>',
        '</li>',
        '<li class="task">☐ ',
        '</li></ul>',
        '<p>plain</p>',
      ].join('\n'),
    );
  });
});

describe('the browser script', () => {
  it("writes durations exactly as the domain's humanDuration", () => {
    for (const seconds of [null, -3, 0, 0.4, 59, 60, 61, 3599, 3600, 3661, 86_399, 86_400, 90_061, 1e7]) {
      expect(browserHumanDuration(seconds)).toBe(humanDuration(seconds));
    }
  });
});

const row = (id: string, status: IncidentRow['status'], startedMinute: number, acknowledged: boolean): IncidentRow => ({
  id,
  status,
  services: ['svc'],
  severity: 'critical',
  startedAt: new Date(startedMinute * 60_000),
  detectedAt: new Date(startedMinute * 60_000),
  acknowledgedAt: acknowledged ? new Date(startedMinute * 60_000 + 1) : null,
  mitigatedAt: null,
  resolvedAt: null,
  closedAt: null,
  lastSequence: 1,
  revision: 1,
  summary: '{}',
  updatedAt: new Date(0),
});

describe('the incident list', () => {
  it('puts unacknowledged open incidents first, newest first within each part', () => {
    const rows = [
      row('resolved-new', 'resolved', 9, false),
      row('open-acked', 'open', 8, true),
      row('open-old', 'open', 1, false),
      row('resolving-new', 'resolving', 5, false),
    ];
    expect(listOrder(rows).map((incident) => incident.id)).toEqual([
      'resolving-new',
      'open-old',
      'resolved-new',
      'open-acked',
    ]);
  });
});

describe('the entry form', () => {
  it("reads `at` in the form's zone and checks the rest with the API's contract", () => {
    const parsed = entryRequestFromForm(
      { kind: 'escalated', at: '2026-03-29T03:30:00', author: ' me ', text: '', to: 'network', id: 'e-1', csrf: 'x' },
      'Europe/Berlin',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        id: 'e-1',
        kind: 'escalated',
        at: new Date('2026-03-29T01:30:00Z'),
        author: 'me',
        text: '',
        to: 'network',
      },
    });
    const refused = entryRequestFromForm({ kind: 'note', at: 'yesterday', author: '', text: '', to: '' }, 'UTC');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors.map((error) => error.field).sort()).toEqual(['at', 'author', 'text']);
  });

  it('parses datetime-local values in a zone, refusing others', () => {
    expect(parseLocalInput('2026-11-22T03:04', 'America/New_York')?.toISOString()).toBe('2026-11-22T08:04:00.000Z');
    expect(parseLocalInput('2026-11-22 03:04', 'UTC')).toBeNull();
    expect(parseLocalInput('2026-13-22T03:04', 'UTC')).toBeNull();
  });
});

describe('login', () => {
  const access = { mode: 'enabled', writeTokens: ['w-token'], readTokens: ['r-token'] } as const;

  it('gives each token its level, and none to anything else', () => {
    expect(tokenLevel(access, 'w-token')).toBe('write');
    expect(tokenLevel(access, 'r-token')).toBe('read');
    expect(tokenLevel(access, 'w-token ')).toBeNull();
    expect(tokenLevel({ mode: 'disabled' }, 'anything')).toBe('write');
  });

  it('returns only to paths on this server', () => {
    expect(safeNext('/incidents/inc_1?tz=UTC')).toBe('/incidents/inc_1?tz=UTC');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '/login', 'x', 42]) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});

describe('series charts', () => {
  it("split an alert's expression into the series and its threshold", () => {
    expect(splitThreshold('rate(errors[5m]) / rate(requests[5m]) > 0.05')).toEqual({
      query: 'rate(errors[5m]) / rate(requests[5m])',
      threshold: { comparison: '>', value: 0.05 },
    });
    expect(splitThreshold('up == 0')).toEqual({ query: 'up', threshold: { comparison: '==', value: 0 } });
    expect(splitThreshold('absent(up{job="x"})')).toEqual({ query: 'absent(up{job="x"})', threshold: null });
  });

  it('show at most a dozen evenly spread numbers in their table, the last one included', () => {
    const points = Array.from({ length: 100 }, (_, index) => index);
    const shown = spread(points, 12);
    expect(shown).toHaveLength(12);
    expect(shown[0]).toBe(0);
    expect(shown.at(-1)).toBe(99);
    expect(spread([1, 2], 12)).toEqual([1, 2]);
  });
});
