import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { unavailable } from './api-error.js';
import { setSecurityHeaders } from './security-headers.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish (closing idle keep-alive
   * connections at once), and after `timeoutMs` cuts whatever is left.
   */
  close(timeoutMs: number): Promise<void>;
}

/** What a slow, stuck or greedy client may take of the process (SITREP_HTTP_* variables). */
export interface ServerLimits {
  /** Longest a client may take to send the request headers. */
  readonly headersTimeoutMs: number;
  /** Longest a client may take to send the whole request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; the server closes further ones at once. */
  readonly maxConnections: number;
  /** Requests handled at once at most; further ones get 503 with Retry-After. */
  readonly maxInFlight: number;
  /** Sent with that 503. */
  readonly retryAfterSeconds: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Alertmanager keeps connections alive; outlive its idle timeout so we are not the side that
  // closes a connection it is about to reuse.
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1_000,
  maxInFlight: 200,
  retryAfterSeconds: 5,
});

/** Probes and scrapes are never turned away: they are how a busy process is seen to be busy. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const isProbe = (req: IncomingMessage): boolean =>
  (req.method === 'GET' || req.method === 'HEAD') && PROBES.has((req.url ?? '').split('?')[0] ?? '');

function refuseBusy(res: ServerResponse, retryAfterSeconds: number): void {
  const error = unavailable('too many requests in progress; retry later', retryAfterSeconds);
  const body = JSON.stringify(error.toBody());
  res.writeHead(error.status, {
    ...error.extra.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    // The body was not read; a fresh connection is cleaner than draining it.
    Connection: 'close',
  });
  res.end(body);
}

export async function listen(
  app: Express,
  host: string,
  port: number,
  limits: Partial<ServerLimits> = {},
): Promise<RunningServer> {
  const settings = { ...DEFAULT_SERVER_LIMITS, ...limits };
  let handling = 0;
  const server: Server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // How often those timeouts are checked (Node's default, 30 s, would let a slow client keep
      // its connection for up to 30 s past them).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    (req, res) => {
      setSecurityHeaders(res);
      if (handling >= settings.maxInFlight && !isProbe(req)) {
        refuseBusy(res, settings.retryAfterSeconds);
        return;
      }
      handling += 1;
      res.once('close', () => {
        handling -= 1;
      });
      app(req, res);
    },
  );
  server.maxConnections = settings.maxConnections;
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      // A keep-alive connection that just finished its last request would otherwise hold
      // close() open until the client's idle timeout.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        // Tell clients of requests still running not to reuse the connection.
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
