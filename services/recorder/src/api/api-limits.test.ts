import { createServer, type Server, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '@sitrep/http';
import { PostgresIncidentStore, SqliteIncidentStore, type IncidentStore } from '@sitrep/store';
import { createMemoryLogger, createMetricsRegistry, type Logger } from '@sitrep/telemetry';
import { recordIncident, renderPostmortem } from '@sitrep/domain';
import type { Request } from 'express';
import { FakeClock, lbOutageEvents } from '@sitrep/testkit';
import { createRecorderApp } from '../app.js';
import { alertValueImpact } from '../impact-source.js';
import { createRecorderMetrics } from '../metrics.js';
import { minute, READ_TOKEN, recorderConfig } from '../recorder-harness.fixture.js';
import { postmortemZone } from './incidents-router.js';
import { QueryReader } from './query.js';

async function serveApp(store: IncidentStore, logger: Logger, env: Record<string, string> = {}) {
  const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
  const app = createRecorderApp({
    config: recorderConfig(env),
    store,
    clock: new FakeClock(minute(60)),
    logger,
    registry,
    metrics: createRecorderMetrics(registry, store),
    impact: alertValueImpact,
    readiness: [{ name: 'store', check: () => Promise.reject(new Error('password authentication failed for sitrep')) }],
    publishEntry: () => Promise.resolve(),
  });
  return listen(app, '127.0.0.1', 0);
}

describe('postmortem time zones', () => {
  it('refuses 10,000 distinct spellings without growing the heap or the process', () => {
    // Case variants of a real zone: the runtime accepts every one, and a per-spelling cache of
    // zones or formatters (luxon keeps both) would keep every one. The route's own steps: read
    // and check `tz`, and render only what passed.
    const base = 'America/Argentina/Buenos_Aires';
    const variant = (n: number): string =>
      Array.from(base)
        .map((char, index) => ((n >> (index % 30)) & 1 ? char.toUpperCase() : char.toLowerCase()))
        .join('');
    const record = recordIncident(lbOutageEvents(), [], minute(60));
    const postmortem = (tz: string): number => {
      const query = new QueryReader({ query: { tz } } as unknown as Request);
      const zone = postmortemZone(query);
      try {
        query.finish();
      } catch {
        return 400;
      }
      return renderPostmortem(record, { zone }).length > 0 ? 200 : 500;
    };
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    expect(postmortem(base)).toBe(200);
    expect(postmortem('Asia/Kolkata')).toBe(200);
    for (let n = 0; n < 1_000; n += 1) postmortem(variant(n));
    gc();
    const before = process.memoryUsage();
    const statuses = new Set<number>();
    for (let n = 1_000; n < 11_000; n += 1) statuses.add(postmortem(variant(n)));
    gc();
    const after = process.memoryUsage();
    expect([...statuses]).toEqual([400]);
    // Each spelling kept costs a formatter in ICU (about 50 KB of native memory) and some hundred
    // bytes of heap: measured with luxon's own check in place of ours, 10,000 of them took 570 MB
    // and 1.8 MB.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(1_000_000);
    expect(after.rss - before.rss).toBeLessThan(64_000_000);
  });
});

describe('recorder HTTP edge', () => {
  const sockets = new Set<Socket>();
  let silent: Server;
  let silentPort = 0;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    silentPort = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close(100)));
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('answers 503 with Retry-After within the connect timeout when PostgreSQL does not answer', async () => {
    const store = new PostgresIncidentStore(`postgres://sitrep@127.0.0.1:${silentPort}/sitrep`, {
      connectTimeoutMs: 500,
      statementTimeoutMs: 500,
    });
    const server = await serveApp(store, createMemoryLogger('error').logger, { SITREP_RETRY_AFTER_SECONDS: '9' });
    servers.push(server);
    const headers = { authorization: `Bearer ${READ_TOKEN}` };
    const started = Date.now();
    const [list, detail] = await Promise.all([
      fetch(`${server.url}/api/v1/incidents`, { headers }),
      fetch(`${server.url}/api/v1/incidents/inc_1`, { headers }),
    ]);
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const response of [list, detail]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('9');
      expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
    await store.close();
  });

  it('keeps internal error text from /readyz for anonymous callers, counts 401s and logs them at debug', async () => {
    const { logger, lines } = createMemoryLogger('debug');
    const store = new SqliteIncidentStore(':memory:');
    await store.migrate();
    const server = await serveApp(store, logger);
    servers.push(server);
    const anonymous = await fetch(`${server.url}/readyz`);
    expect(anonymous.status).toBe(503);
    const text = await anonymous.text();
    expect(text).not.toContain('password');
    expect(JSON.parse(text) as unknown).toEqual({
      status: 'not_ready',
      checks: [{ name: 'store', ready: false, detail: expect.any(String) as unknown }],
    });
    const withToken = await fetch(`${server.url}/readyz`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(await withToken.text()).toContain('password authentication failed');
    expect(lines.filter((line) => JSON.stringify(line).includes('password authentication failed'))).toHaveLength(1);

    for (const authorization of ['Bearer wrong', 'Bearer also-wrong'])
      expect((await fetch(`${server.url}/api/v1/incidents`, { headers: { authorization } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/incidents`)).status).toBe(401);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(
      'sitrep_recorder_unauthorized_requests_total{route="/api/v1/incidents",reason="invalid",sitrep_service="recorder"} 2',
    );
    expect(metrics).toContain(
      'sitrep_recorder_unauthorized_requests_total{route="/api/v1/incidents",reason="missing",sitrep_service="recorder"} 1',
    );
    const refused = lines.filter(
      (line) => line.msg === 'request unauthorized' || line.message === 'request unauthorized',
    );
    expect(refused).toHaveLength(3);
    expect(refused.every((line) => line.level === 'debug')).toBe(true);
    await store.close();
  });
});
