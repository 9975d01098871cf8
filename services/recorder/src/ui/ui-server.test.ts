import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@sitrep/domain';
import { recentLbOutage } from '@sitrep/testkit';
import {
  lbOutageRecords,
  READ_TOKEN,
  startEmbeddedTestRecorder,
  WRITE_TOKEN,
  type EmbeddedTestRecorder,
} from '../recorder-harness.fixture.js';
import { inputValue, PageClient } from './ui-client.fixture.js';
import { UI_CONTENT_SECURITY_POLICY } from './app.js';

// The web UI served by a real recorder (embedded bus, SQLite) on the reference outage, driven as
// a browser without JavaScript would: forms, cookies and redirects.
describe('web UI server', () => {
  let test: EmbeddedTestRecorder;
  let base: string;
  let incidentId: string;

  beforeAll(async () => {
    test = await startEmbeddedTestRecorder(systemClock);
    base = test.recorder.uiUrl ?? '';
    const records = lbOutageRecords(recentLbOutage());
    await test.record(records);
    incidentId = records[0]?.incidentId ?? '';
  });
  afterAll(async () => {
    await test.close();
  });

  it('shows the login form to a visitor without a session, on every page', async () => {
    const client = new PageClient(base);
    for (const path of ['/', `/incidents/${incidentId}`, '/reports']) {
      const page = await client.get(path);
      expect(page.status).toBe(401);
      expect(page.text).toContain('name="token"');
      expect(page.text).not.toContain('auth-lb');
    }
  });

  it('refuses a wrong token and sets an HttpOnly SameSite=Strict session cookie for the right one', async () => {
    const client = new PageClient(base);
    const wrong = await client.post('/login', { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const right = await client.post('/login', { token: WRITE_TOKEN, next: '/reports' });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/reports');
    const [cookie] = right.headers.getSetCookie();
    expect(cookie).toMatch(/^sitrep_session=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Strict; Max-Age=\d+; HttpOnly$/);
    expect(cookie).not.toContain(WRITE_TOKEN);
  });

  it('lists the outage and shows its page, with a strict content security policy', async () => {
    const client = new PageClient(base);
    await client.login(WRITE_TOKEN);
    const list = await client.get('/');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toBe(UI_CONTENT_SECURITY_POLICY);
    expect(list.text).toContain(`/incidents/${incidentId}`);
    expect(list.text).toContain('auth-lb');
    const page = await client.get(`/incidents/${incidentId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<svg class="timeline"');
    expect(page.text).toContain('Probable cause');
    expect(page.text).toContain('name="kind"');
    expect(page.text).toContain('Postmortem draft');
  });

  it('records an entry from the form once however often it is sent, and refuses one without the CSRF token', async () => {
    const client = new PageClient(base);
    await client.login(WRITE_TOKEN);
    const page = (await client.get(`/incidents/${incidentId}?tz=Europe/Berlin`)).text;
    const form = {
      csrf: inputValue(page, 'csrf'),
      id: inputValue(page, 'id'),
      tz: 'Europe/Berlin',
      kind: 'escalated',
      at: inputValue(page, 'at'),
      author: 'oncall@example.com',
      text: 'paging the network team',
      to: 'network-oncall',
    };
    const { csrf: _csrf, ...forged } = form;
    expect((await client.post(`/incidents/${incidentId}/entries`, forged)).status).toBe(403);
    const first = await client.post(`/incidents/${incidentId}/entries`, form);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(new RegExp(`^/incidents/${incidentId}\\?added=escalated`));
    expect((await client.post(`/incidents/${incidentId}/entries`, form)).status).toBe(303);
    const entries = await test.store.entries(incidentId);
    expect(entries.filter((entry) => entry.id === form.id)).toHaveLength(1);
    expect(entries.find((entry) => entry.id === form.id)).toMatchObject({ kind: 'escalated', to: 'network-oncall' });
    const after = await client.get(`/incidents/${incidentId}`);
    expect(after.text).toContain('Escalated to network-oncall: paging the network team');
  });

  it('shows a refused entry again with the reason, and refuses the future', async () => {
    const client = new PageClient(base);
    await client.login(WRITE_TOKEN);
    const page = (await client.get(`/incidents/${incidentId}?tz=UTC`)).text;
    const refused = await client.post(`/incidents/${incidentId}/entries`, {
      csrf: inputValue(page, 'csrf'),
      id: inputValue(page, 'id'),
      tz: 'UTC',
      kind: 'note',
      at: '2999-01-01T00:00:00',
      author: 'oncall@example.com',
      text: 'from the future',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('is in the future');
    expect(refused.text).toContain('from the future');
  });

  it('gives the read-only token a UI without forms, and refuses its posts', async () => {
    const client = new PageClient(base);
    await client.login(READ_TOKEN);
    const page = await client.get(`/incidents/${incidentId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('id="entry-form"');
    expect(page.text).toContain('Read-only');
    const refused = await client.post(`/incidents/${incidentId}/entries`, {
      csrf: inputValue(page.text, 'csrf'),
      kind: 'note',
      author: 'reader',
      text: 'should not land',
    });
    expect(refused.status).toBe(403);
    expect((await test.store.entries(incidentId)).some((entry) => entry.author === 'reader')).toBe(false);
  });

  it('downloads the postmortem in the chosen zone, and shows reports with the formulas', async () => {
    const client = new PageClient(base);
    await client.login(READ_TOKEN);
    const markdown = await client.get(`/incidents/${incidentId}/postmortem.md?tz=America/New_York`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-disposition')).toContain('attachment');
    expect(markdown.text).toContain('all times in America/New_York');
    const reports = await client.get('/reports');
    expect(reports.status).toBe(200);
    expect(reports.text).toContain('MTTR');
    expect(reports.text).toContain('<svg class="chart"');
    expect(reports.text).toContain('open incidents are left out');
  });

  it('serves hashed assets with long caching, and the script under budget', async () => {
    const client = new PageClient(base);
    const login = await client.get('/login');
    const paths = [...login.text.matchAll(/(\/assets\/app\.[0-9a-f]{12}\.(?:css|js))/g)].map((match) => match[1] ?? '');
    expect(paths).toHaveLength(2);
    for (const path of paths) {
      const asset = await client.get(path);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
  });

  it('ends the session on logout', async () => {
    const client = new PageClient(base);
    await client.login(WRITE_TOKEN);
    const page = await client.get('/');
    const out = await client.post('/logout', { csrf: inputValue(page.text, 'csrf') });
    expect(out.status).toBe(303);
    expect((await client.get('/')).status).toBe(401);
  });
});
