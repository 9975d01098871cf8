import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresIncidentStore } from './postgres-store.js';

// A database that accepts connections and then says nothing (a paused process, a black-holed
// network) and one where nothing listens: both must fail a request within the connect timeout,
// as `unavailable` (the recorder's 503 with Retry-After), never hang it.
let silent: Server;
const sockets = new Set<Socket>();
let silentPort = 0;
let closedPort = 0;

const listening = (server: Server): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  silentPort = await listening(silent);
  const probe = createServer();
  closedPort = await listening(probe);
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

async function failsWithin(store: PostgresIncidentStore, run: () => Promise<unknown>, limitMs: number) {
  const started = Date.now();
  await expect(run()).rejects.toMatchObject({ name: 'StoreError', code: 'unavailable' });
  expect(Date.now() - started).toBeLessThan(limitMs);
  await store.close();
}

describe('PostgreSQL that does not answer', () => {
  it('fails reads and writes as unavailable once the connect timeout passes', async () => {
    const url = `postgres://sitrep@127.0.0.1:${silentPort}/sitrep`;
    const reads = new PostgresIncidentStore(url, { connectTimeoutMs: 300, statementTimeoutMs: 500 });
    await failsWithin(reads, () => reads.listIncidents({ limit: 5 }), 3_000);
    const writes = new PostgresIncidentStore(url, { connectTimeoutMs: 300, statementTimeoutMs: 500 });
    await failsWithin(writes, () => writes.migrate(), 3_000);
  });

  it('fails at once as unavailable when nothing listens on the port', async () => {
    const store = new PostgresIncidentStore(`postgres://sitrep@127.0.0.1:${closedPort}/sitrep`);
    await failsWithin(store, () => store.incident('inc_1'), 2_000);
  });
});
