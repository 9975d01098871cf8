/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EmbeddedBus } from '@sitrep/bus';
import { incidentEventMessage, incidentEventRecord } from '@sitrep/codec';
import { EnvReader } from '@sitrep/config';
import { topicNames } from '@sitrep/contracts';
import { systemClock, type IncidentEvent } from '@sitrep/domain';
import { alertValueImpact, loadRecorderConfig, startRecorder, type Recorder } from '@sitrep/recorder';
import { openIncidentStore, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry } from '@sitrep/telemetry';
import {
  lbOutageEvents,
  recentLbOutage,
  startPrometheus,
  uniqueName,
  waitFor,
  type PrometheusSeries,
  type RunningPrometheus,
} from '@sitrep/testkit';
import { launchChromium, seriousViolations } from './browser.js';

// The web UI in a real Chromium against a real recorder (embedded bus, SQLite) holding the
// reference outage: what an on-call engineer does at 3 AM, and what the screenshots show.
const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const WRITE_TOKEN = uniqueName('ui-write-token');
const READ_TOKEN = uniqueName('ui-read-token');
const { logger } = createMemoryLogger('error');

/** A `datetime-local` value in Europe/Berlin (sv-SE writes dates as ISO does). */
const berlinLocal = (at: number): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(at))
    .replace(' ', 'T');

/**
 * What the outage's alert rules measured, every 15 s around it: each alert's series above its
 * threshold while the alert fired, well below it before and after.
 */
function outageSeries(events: readonly IncidentEvent[]): PrometheusSeries[] {
  const spans = new Map<string, { alertname: string; service: string; from: number; to: number }>();
  for (const event of events) {
    if (event.type === 'incident.alert_attached') {
      const { alert } = event.data;
      spans.set(alert.alertId, {
        alertname: alert.alertname,
        service: alert.service,
        from: alert.startsAt.getTime(),
        to: Infinity,
      });
    } else if (event.type === 'incident.alert_resolved') {
      const span = spans.get(event.data.alertId);
      if (span) span.to = event.data.endsAt.getTime();
    }
  }
  const rules: Record<string, { metric: string; calm: number; firing: number }> = {
    BackendLoadImbalance: { metric: 'service:lb_backend_imbalance:rate1m', calm: 1.05, firing: 2.8 },
    HighErrorRate: { metric: 'service:http_error_ratio:rate1m', calm: 0.004, firing: 0.31 },
    HighLatencyP99: { metric: 'service:http_latency_p99_seconds:rate1m', calm: 0.18, firing: 2.4 },
  };
  const now = Date.now();
  return [...spans.values()].flatMap((span) => {
    const rule = rules[span.alertname];
    if (!rule) return [];
    const samples = Array.from({ length: 100 }, (_, index) => {
      const at = now - 20 * 60_000 + index * 15_000;
      const wobble = 1 + 0.06 * Math.sin(index / 2);
      return [new Date(at), (at >= span.from && at < span.to ? rule.firing : rule.calm) * wobble] as const;
    });
    return [{ metric: rule.metric, labels: { service: span.service }, samples }];
  });
}

interface Moments {
  moments: { detectedAt: string; acknowledgedAt: string };
}

interface TimelineBody {
  entries: { kind: string; source: string; text: string; author: string | null }[];
}

describe('web UI in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-ui-'));
  let bus: EmbeddedBus;
  let store: IncidentStore;
  let prometheus: RunningPrometheus;
  let recorder: Recorder;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let ui: string;
  let incidentId: string;
  const problems: string[] = [];

  const api = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${recorder.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  const watch = (watched: Page) => {
    watched.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Failed loads are judged by the response (the login page's 401 is meant); the rest of the console by its text.
    watched.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${message.text()}`);
      }
    });
    watched.on('response', (response) => {
      if (response.status() >= 400 && response.request().resourceType() !== 'document') {
        problems.push(`${response.status()} for ${response.url()}`);
      }
    });
    watched.on('requestfailed', (request) => {
      // A page left while its event stream is open cancels that stream: not a failure.
      if (!request.url().endsWith('/events'))
        problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
    });
  };

  const expectAccessible = async (watched: Page) => {
    expect(await seriousViolations(watched)).toEqual([]);
  };

  const login = async (target: Page, token: string) => {
    await target.goto(`${ui}/`);
    await target.getByLabel('API token').fill(token);
    await target.getByRole('button', { name: 'Log in' }).click();
    await target.getByRole('heading', { name: 'Incidents' }).waitFor();
  };

  beforeAll(async () => {
    const outage = lbOutageEvents(recentLbOutage());
    prometheus = await startPrometheus({ series: outageSeries(outage) });
    const reader = new EnvReader({
      SITREP_RECORDER_PORT: '0',
      SITREP_API_TOKEN: WRITE_TOKEN,
      SITREP_API_READ_TOKEN: READ_TOKEN,
      SITREP_DATA_DIR: dir,
      PROMETHEUS_URL: prometheus.url,
    });
    const config = loadRecorderConfig(reader);
    reader.finish();
    bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger });
    store = openIncidentStore(config.store);
    recorder = await startRecorder({
      config,
      bus,
      store,
      clock: systemClock,
      logger,
      registry: createMetricsRegistry({ service: 'recorder', processMetrics: false }),
      impact: alertValueImpact,
    });
    await recorder.started;
    ui = recorder.uiUrl ?? '';
    const records = outage.map(incidentEventRecord);
    incidentId = records[0]?.incidentId ?? '';
    await bus.publish(
      topicNames('sitrep.').incidents,
      records.map((record) => incidentEventMessage(record, {})),
    );
    // Four earlier outages, a week apart, so the reports have a trend to draw.
    const now = Date.now();
    const history = [1, 2, 3, 4].map((week) => {
      const epoch = now - week * 7 * 86_400_000 - week * 3_600_000;
      return { epoch, week, records: lbOutageEvents({ epoch, minuteMs: 60_000 }).map(incidentEventRecord) };
    });
    await bus.publish(
      topicNames('sitrep.').incidents,
      [...history.flatMap((past) => past.records), ...records].map((record) => incidentEventMessage(record, {})),
    );
    for (const { records: recorded } of [...history, { records }]) {
      const last = recorded.at(-1);
      await waitFor(async () => (await store.incident(last?.incidentId ?? ''))?.lastSequence === last?.sequence);
    }
    for (const { epoch, week, records: recorded } of history) {
      const id = recorded[0]?.incidentId ?? '';
      for (const [kind, minute] of [
        ['acknowledged', 2 + week],
        ['mitigated', 10 + 3 * week],
      ] as const) {
        const at = new Date(epoch + minute * 60_000).toISOString();
        const body = JSON.stringify({ kind, at, author: 'oncall@example.com', text: '' });
        expect((await api(`/api/v1/incidents/${id}/entries`, { method: 'POST', body })).status).toBe(201);
      }
    }
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light',
      timezoneId: 'Europe/Berlin',
      acceptDownloads: true,
    });
    page = await context.newPage();
    watch(page);
  });

  afterAll(async () => {
    // Each may be unset when a step before it failed.
    const optional = <T>(value: T): T | undefined => value;
    await optional(browser)?.close();
    await optional(recorder)?.close();
    await optional(bus)?.close();
    await optional(store)?.close();
    await optional(prometheus)?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the token, then lists the outage in the browser zone', async () => {
    await page.goto(`${ui}/incidents/${incidentId}`);
    await expect(page.locator('input[name="token"]').count()).resolves.toBe(1);
    await expectAccessible(page);
    await login(page, WRITE_TOKEN);
    const row = page.locator(`#incident-rows tr[data-id="${incidentId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('auth-lb');
    expect(await row.textContent()).toContain('not acknowledged');
    // The script set the zone cookie to the browser's and the page came back in it.
    await page.waitForFunction(() => document.body.dataset.zone === 'Europe/Berlin');
    expect(await page.locator('#page-zone').textContent()).toContain('Europe/Berlin');
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-list.png') });
  });

  it('opens the incident from the keyboard and reads its alerts, cause and timeline', async () => {
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/incidents/${incidentId}`);
    expect(await page.locator('h1').textContent()).toContain('auth');
    expect(await page.locator('svg.timeline .tl-alert').count()).toBe(3);
    expect(await page.locator('svg.timeline .tl-change').count()).toBe(1);
    expect(await page.locator('svg.timeline .tl-moment').count()).toBeGreaterThanOrEqual(2);
    const causes = page.locator('ol.causes li');
    expect(await causes.count()).toBeGreaterThanOrEqual(1);
    expect(await causes.first().textContent()).toMatch(/change|load imbalance/);
    expect(await page.locator('#entry-rows').textContent()).toContain('BackendLoadImbalance fired on auth-lb');
    // Each alert's own series from Prometheus, with its threshold and the numbers in a table.
    const charts = page.locator('#series-section figure');
    expect(await charts.count()).toBe(3);
    expect(await charts.locator('path.s-value').count()).toBe(3);
    expect(await charts.locator('line.threshold').count()).toBe(3);
    expect(await charts.first().locator('tbody tr').count()).toBe(12);
    // Zoom in and back to the whole incident.
    const ticks = async () => (await page.locator('svg.timeline .tl-tick').allTextContents()).join(' ');
    const fitted = await ticks();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect(await ticks()).not.toBe(fitted);
    await page.getByRole('button', { name: 'Fit the incident' }).click();
    expect(await ticks()).toBe(fitted);
    await expectAccessible(page);
  });

  it('adds an acknowledgement and an escalation from the form: on the timeline and in the API', async () => {
    const detected = Date.parse(((await api(`/api/v1/incidents/${incidentId}`)).body as Moments).moments.detectedAt);
    await page.getByLabel('Kind').selectOption('acknowledged');
    // Backdated, as someone writing it up a little later does; entered in the page's zone.
    await page.getByLabel('When (Europe/Berlin)').fill(berlinLocal(detected + 150_000));
    await page.getByLabel('Author').fill('oncall@example.com');
    await page.getByRole('button', { name: 'Add to the timeline' }).click();
    await page.getByText('Recorded: acknowledged.').waitFor();
    expect(await page.locator('svg.timeline .tl-person').count()).toBe(1);
    // The author is remembered by this browser.
    expect(await page.getByLabel('Author').inputValue()).toBe('oncall@example.com');
    await page.getByLabel('Kind').selectOption('escalated');
    await page.getByLabel('To (for escalated)').fill('network-oncall');
    await page.getByLabel('Text').fill('balancer weights look wrong');
    await page.getByRole('button', { name: 'Add to the timeline' }).click();
    await page.getByText('Recorded: escalated.').waitFor();
    expect(await page.locator('svg.timeline .tl-person').count()).toBe(2);
    expect(await page.locator('#entry-rows').textContent()).toContain(
      'Escalated to network-oncall: balancer weights look wrong',
    );
    const body = (await api(`/api/v1/incidents/${incidentId}/timeline`)).body as TimelineBody;
    const people = body.entries.filter((entry) => entry.source === 'person');
    expect(people.map((entry) => entry.kind)).toEqual(['acknowledged', 'escalated']);
    expect(people[1]?.text).toBe('Escalated to network-oncall: balancer weights look wrong');
    expect(people[0]?.kind).toBe('acknowledged');
    const acknowledged = ((await api(`/api/v1/incidents/${incidentId}`)).body as Moments).moments.acknowledgedAt;
    expect(Date.parse(acknowledged)).toBe(Math.floor((detected + 150_000) / 1000) * 1000);
    // Entries added elsewhere (the API, the CLI) appear on the open page by themselves.
    for (const [kind, after, text] of [
      ['note', 200_000, 'checking the users database'],
      ['misleading_path', 400_000, 'suspected the users database: its latency alert fired last month'],
    ] as const) {
      const at = new Date(detected + after).toISOString();
      const body = JSON.stringify({ kind, at, author: 'oncall@example.com', text });
      expect((await api(`/api/v1/incidents/${incidentId}/entries`, { method: 'POST', body })).status).toBe(201);
    }
    await page.locator('svg.timeline .tl-dead-end').waitFor({ timeout: 15_000 });
    expect(await page.locator('svg.timeline .tl-dead-end title').textContent()).toContain('Dead end, cost 3m 20s');
    await expectAccessible(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({
      path: join(SCREENSHOTS, 'incident-page.png'),
      clip: { x: 0, y: 0, width: 1280, height: 1150 },
      fullPage: true,
    });
  });

  it('refuses a forged post without the CSRF token', async () => {
    const forged = await context.request.post(`${ui}/incidents/${incidentId}/entries`, {
      form: { kind: 'note', author: 'attacker', text: 'forged', id: 'forged-entry' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect((await store.entries(incidentId)).some((entry) => entry.id === 'forged-entry')).toBe(false);
  });

  it('downloads the postmortem draft', async () => {
    const download = page.waitForEvent('download');
    await page.locator('#postmortem-download').click();
    const file = await (await download).path();
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('# Postmortem draft');
    expect(markdown).toContain('all times in Europe/Berlin');
    expect(markdown).toContain('Escalated to network-oncall');
  });

  it('updates the list live when the incident changes', async () => {
    await page.goto(`${ui}/?tz=UTC`);
    const row = page.locator(`#incident-rows tr[data-id="${incidentId}"]`);
    expect(await row.textContent()).not.toContain('not acknowledged');
    await page.waitForTimeout(2_500); // the event stream has connected and seen where things stand
    const mitigated = await api(`/api/v1/incidents/${incidentId}/entries`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'resolved', author: 'oncall@example.com', text: '' }),
    });
    expect(mitigated.status).toBe(201);
    await row.locator('.status-resolved').waitFor({ timeout: 15_000 });
  });

  it('shows reports with the chart, the table and the formulas', async () => {
    await page.goto(`${ui}/reports`);
    expect(await page.locator('svg.chart').count()).toBe(1);
    expect(await page.locator('#trend-table tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.formula').textContent()).toContain('open incidents are left out');
    const link = page.getByRole('link', { name: 'auth-lb' }).first();
    expect(await link.getAttribute('href')).toContain('service=auth-lb');
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports.png'), fullPage: true });
  });

  it('gives the read-only token pages without forms', async () => {
    const reader = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const readerPage = await reader.newPage();
    watch(readerPage);
    await login(readerPage, READ_TOKEN);
    await readerPage.goto(`${ui}/incidents/${incidentId}`);
    expect(await readerPage.locator('#entry-form').count()).toBe(0);
    expect(await readerPage.locator('form[method="post"]').count()).toBe(1); // logout only
    await expectAccessible(readerPage);
    // Phone width: nothing wider than the screen but the scrollable timeline and tables.
    const overflow = await readerPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await reader.close();
  });

  it('ran without script errors or refused resources', () => {
    expect(problems).toEqual([]);
  });
});

mkdirSync(SCREENSHOTS, { recursive: true });
