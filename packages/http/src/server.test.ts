import { connect, type Socket } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '@sitrep/telemetry';
import { errorHandler, notFound } from './handlers.js';
import { listen, type RunningServer, type ServerLimits } from './server.js';
import { SECURITY_HEADERS } from './security-headers.js';

// Real sockets against a real server: slow and greedy clients as they would arrive.
const running: RunningServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((server) => server.close(100)));
});

async function serve(app: Express, limits: Partial<ServerLimits>): Promise<RunningServer> {
  const server = await listen(app, '127.0.0.1', 0, limits);
  running.push(server);
  return server;
}

function plainApp(): Express {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/echo', express.json(), (req, res) => {
    res.json(req.body);
  });
  return app;
}

/** Opens a raw connection; resolves when it is open, and `closed` when the server ends it. */
async function rawClient(
  server: RunningServer,
): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const opened = Date.now();
  const socket = connect(server.port, '127.0.0.1');
  sockets.push(socket);
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => data, closed };
}

describe('listen: slow clients', () => {
  it('cuts a client that sends its headers too slowly, and keeps serving others meanwhile', async () => {
    const server = await serve(plainApp(), { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const slow = await rawClient(server);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => slow.socket.write('X-Slow: 1\r\n'), 50);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const after = await slow.closed;
    clearInterval(trickle);
    expect(after).toBeLessThan(2_000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts a connection that never sends anything', async () => {
    const server = await serve(plainApp(), { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const silent = await rawClient(server);
    expect(await silent.closed).toBeLessThan(2_000);
  });

  it('cuts a client that sends its body too slowly', async () => {
    const server = await serve(plainApp(), { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const slow = await rawClient(server);
    slow.socket.write(
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[',
    );
    const trickle = setInterval(() => slow.socket.write('1,'), 50);
    const after = await slow.closed;
    clearInterval(trickle);
    expect(after).toBeLessThan(2_500);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const server = await serve(plainApp(), { keepAliveTimeoutMs: 200 });
    const client = await rawClient(server);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await client.closed).toBeLessThan(2_000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('listen: too many clients', () => {
  it('closes connections beyond the cap at once', async () => {
    const server = await serve(plainApp(), { maxConnections: 2 });
    await rawClient(server);
    await rawClient(server);
    // The server has seen both before it sees the third.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await rawClient(server);
    expect(await third.closed).toBeLessThan(1_000);
  });

  it('answers 503 with Retry-After beyond the in-flight cap, but never to probes', async () => {
    const app = plainApp();
    const waiting: (() => void)[] = [];
    app.post('/slow', (_req, res) => {
      waiting.push(() => res.json({ done: true }));
    });
    const server = await serve(app, { maxInFlight: 2, retryAfterSeconds: 7 });
    const held = [1, 2].map(() => fetch(`${server.url}/slow`, { method: 'POST' }));
    while (waiting.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await fetch(`${server.url}/slow`, { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    for (const release of waiting.splice(0)) release();
    expect((await Promise.all(held)).map((response) => response.status)).toEqual([200, 200]);
    const echoed = await fetch(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await echoed.json()).toEqual({ a: 1 });
  });
});

describe('listen: security headers', () => {
  it('sends them on every response: success, not found, errors', async () => {
    const app = plainApp();
    app.get('/fails', () => {
      throw new Error('boom');
    });
    app.use(notFound);
    app.use(errorHandler(createMemoryLogger('error').logger));
    const server = await serve(app, {});
    for (const path of ['/healthz', '/nowhere', '/fails']) {
      const response = await fetch(`${server.url}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(response.headers.get(name), `${path} ${name}`).toBe(value);
    }
    expect(SECURITY_HEADERS['Content-Security-Policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
  });
});
