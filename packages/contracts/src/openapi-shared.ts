/*
 * What both APIs of the OpenAPI document share: the servers, reference helpers, the value
 * formats of times and ids, security requirements, and the endpoints every service serves
 * (/healthz, /readyz, /metrics, /openapi.json) with their schemas.
 */

export const INGEST_SERVER = {
  url: 'http://{host}:{port}',
  description: 'alert-ingest',
  variables: {
    host: { default: '127.0.0.1', description: 'SITREP_HOST' },
    port: { default: '9095', description: 'SITREP_INGEST_PORT' },
  },
} as const;

export const RECORDER_SERVER = {
  url: 'http://{host}:{port}',
  description: 'recorder',
  variables: {
    host: { default: '127.0.0.1', description: 'SITREP_HOST' },
    port: { default: '9096', description: 'SITREP_RECORDER_PORT' },
  },
} as const;

export const ref = <const Name extends string>(name: Name) => ({ $ref: `#/components/schemas/${name}` }) as const;
export const json = <const Schema>(schema: Schema) => ({ 'application/json': { schema } }) as const;

/** What the services write: `Date.prototype.toISOString()`, always UTC with milliseconds. */
export const instant = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$',
} as const;
export const optionalInstant = { ...instant, type: ['string', 'null'] } as const;

/**
 * What the services read: RFC 3339 as Go marshals it (up to nanoseconds; Z or an offset), from
 * 1970 to 9999 (what every reader stores; an offset must not take it outside in UTC either).
 */
export const rfc3339 = {
  type: 'string',
  format: 'date-time',
  pattern: '^(19[7-9]\\d|[2-9]\\d{3})-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
} as const;

/** A sender-chosen id that makes a retried request idempotent. */
export const clientId = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;
/** Not empty once trimmed (the services trim surrounding whitespace). */
export const notBlank = '\\S';
/**
 * Text the services store: no NUL (PostgreSQL cannot hold it, so every edge refuses it). Unpaired
 * surrogates are refused too, but a JSON Schema pattern cannot name them portably.
 */
export const storableText = '^[^\\u0000]*$';
/** Not blank, and storable. */
export const storableNotBlank = '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$';

/** No credentials: the endpoints every service serves hold no data. */
const open = [] as const;

/** The endpoints both services serve, without credentials. */
export const sharedPaths = {
  '/healthz': {
    servers: [INGEST_SERVER, RECORDER_SERVER],
    get: {
      operationId: 'getHealth',
      tags: ['ingest', 'recorder'],
      summary: 'Liveness: the process is up',
      security: open,
      responses: { '200': { description: 'Up.', content: json(ref('Health')) } },
    },
  },
  '/readyz': {
    servers: [INGEST_SERVER, RECORDER_SERVER],
    get: {
      operationId: 'getReadiness',
      tags: ['ingest', 'recorder'],
      summary: 'Readiness: every dependency answers (bus, topics; the recorder’s store)',
      security: open,
      responses: {
        '200': { description: 'Ready for traffic.', content: json(ref('Readiness')) },
        '503': {
          description:
            'Not ready; `checks` says which check fails. Each `detail` (hosts, paths, a driver’s error) ' +
            'is shown only to a caller sending a valid token; anyone else gets a summary, and the log has it.',
          content: json(ref('Readiness')),
        },
      },
    },
  },
  '/metrics': {
    servers: [INGEST_SERVER, RECORDER_SERVER],
    get: {
      operationId: 'getMetrics',
      tags: ['ingest', 'recorder'],
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      security: open,
      responses: {
        '200': { description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
  '/openapi.json': {
    servers: [INGEST_SERVER, RECORDER_SERVER],
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['ingest', 'recorder'],
      summary: 'This document',
      security: open,
      responses: {
        '200': {
          description: 'The OpenAPI 3.1 document of both APIs.',
          content: json({ type: 'object', required: ['openapi', 'info', 'paths'] }),
        },
      },
    },
  },
} as const;

export const sharedSchemas = {
  Health: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { const: 'ok' } },
  },
  Readiness: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'checks'],
    properties: {
      status: { enum: ['ready', 'not_ready'] },
      checks: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'ready', 'detail'],
          properties: { name: { type: 'string' }, ready: { type: 'boolean' }, detail: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const bearerAuth = {
  type: 'http',
  scheme: 'bearer',
  description:
    'alert-ingest: `SITREP_INGEST_BEARER_TOKEN`. Recorder: role `read` is the read-only token ' +
    '(`SITREP_API_READ_TOKEN`) or the read-write one; role `write` is only the read-write token ' +
    '(`SITREP_API_TOKEN`). With `SITREP_AUTH=disabled` (loopback only) nothing is checked.',
} as const;
