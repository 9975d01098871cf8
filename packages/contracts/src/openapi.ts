import { ENTRY_KINDS } from './timeline-entry-record.js';

/*
 * OpenAPI 3.1 description of Sitrep's two HTTP APIs, served by both services at /openapi.json.
 * alert-ingest (tag `ingest`) receives Alertmanager webhooks and change events; the recorder (tag
 * `recorder`) serves incidents, timelines, people's entries, postmortems and reports. Each path
 * names the server that serves it. Tests in both services keep this document in step with their
 * routes and check real responses against the schemas below, so keep it a plain object.
 */

const INGEST_SERVER = {
  url: 'http://{host}:{port}',
  description: 'alert-ingest',
  variables: {
    host: { default: '127.0.0.1', description: 'SITREP_HOST' },
    port: { default: '9095', description: 'SITREP_INGEST_PORT' },
  },
} as const;

const RECORDER_SERVER = {
  url: 'http://{host}:{port}',
  description: 'recorder',
  variables: {
    host: { default: '127.0.0.1', description: 'SITREP_HOST' },
    port: { default: '9096', description: 'SITREP_RECORDER_PORT' },
  },
} as const;

const ref = <const Name extends string>(name: Name) => ({ $ref: `#/components/schemas/${name}` }) as const;
const response = <const Name extends string>(name: Name) => ({ $ref: `#/components/responses/${name}` }) as const;
const json = <const Schema>(schema: Schema) => ({ 'application/json': { schema } }) as const;

/** What the services write: `Date.prototype.toISOString()`, always UTC with milliseconds. */
const instant = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$',
} as const;
const optionalInstant = { ...instant, type: ['string', 'null'] } as const;

/** What the services read: RFC 3339 as Go marshals it (up to nanoseconds; Z or an offset). */
const rfc3339 = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
} as const;

/** A sender-chosen id that makes a retried request idempotent. */
const clientId = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;
/** Not empty once trimmed (the services trim surrounding whitespace). */
const notBlank = '\\S';

const seconds = { type: 'integer', description: 'Seconds.' } as const;
const optionalSeconds = {
  type: ['integer', 'null'],
  description: 'Seconds; null until the later moment happens.',
} as const;

/** Every kind of timeline entry: people's (ENTRY_KINDS) and Sitrep's own (the domain's AutomaticEntryKind). */
const TIMELINE_KINDS = [
  ...ENTRY_KINDS,
  'detected',
  'alert_fired',
  'alert_resolved',
  'change',
  'cause_ranked',
  'severity_changed',
  'incident_resolved',
  'reopened',
] as const;

const ingestSecurity = [{ bearerAuth: [] }, { basicAuth: [] }] as const;
const readSecurity = [{ bearerAuth: ['read'] }] as const;
const writeSecurity = [{ bearerAuth: ['write'] }] as const;
const open = [] as const;

const incidentId = { $ref: '#/components/parameters/IncidentId' } as const;

export const openApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'Sitrep',
    version: '1',
    summary: 'Alertmanager webhooks in; incident timelines, durations and MTTD/MTTA/MTTR out.',
    description:
      'Two services, two servers: alert-ingest (tag `ingest`, port 9095) receives Alertmanager ' +
      'webhooks and change events; the recorder (tag `recorder`, port 9096) serves incidents, ' +
      'their timelines, people’s entries, postmortem drafts and reliability reports. Each path ' +
      'lists the server that serves it; `/healthz`, `/readyz`, `/metrics` and `/openapi.json` are ' +
      'served by both, without credentials.\n\n' +
      'Every error is JSON (`Error`) with a stable `code`. 4xx means the request will never ' +
      'succeed as sent; 5xx may be retried (503 comes with `Retry-After`). A known path called ' +
      'with another method answers 405 `method_not_allowed` with an `Allow` header; an unknown ' +
      'path answers 404 `not_found`.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  servers: [INGEST_SERVER, RECORDER_SERVER],
  tags: [
    { name: 'ingest', description: 'alert-ingest: Alertmanager webhook receiver and change events.' },
    { name: 'recorder', description: 'The recorder: incidents, timelines, entries, postmortems, reports.' },
  ],
  paths: {
    '/api/v1/alertmanager': {
      servers: [INGEST_SERVER],
      post: {
        operationId: 'receiveAlertmanagerWebhook',
        tags: ['ingest'],
        summary: 'Receive an Alertmanager notification (webhook format version 4)',
        description:
          'Answers 200 only after every alert of the notification is durably stored on the bus. ' +
          'Unknown fields are accepted and ignored. Alertmanager retries 5xx only, and Sitrep never ' +
          'answers 429.',
        security: ingestSecurity,
        requestBody: {
          required: true,
          description: 'Content-Type `application/json` (or any `application/*+json`).',
          content: json(ref('AlertmanagerWebhook')),
        },
        responses: {
          '200': { description: 'Every alert is stored.', content: json(ref('WebhookAccepted')) },
          '400': response('InvalidBody'),
          '401': response('Unauthorized'),
          '413': response('PayloadTooLarge'),
          '415': response('UnsupportedMediaType'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/changes': {
      servers: [INGEST_SERVER],
      post: {
        operationId: 'receiveChange',
        tags: ['ingest'],
        summary: 'Report a change: a deploy, a configuration change, a flag flip',
        description:
          'Changes near an incident’s services and start are attached to it and ranked as probable ' +
          'causes. `at` may be at most `SITREP_CHANGE_MAX_SKEW_MS` in the future.',
        security: ingestSecurity,
        requestBody: {
          required: true,
          description: 'Content-Type `application/json` (or any `application/*+json`).',
          content: json(ref('ChangeRequest')),
        },
        responses: {
          '200': { description: 'The change is stored.', content: json(ref('ChangeAccepted')) },
          '400': response('InvalidBody'),
          '401': response('Unauthorized'),
          '413': response('PayloadTooLarge'),
          '415': response('UnsupportedMediaType'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/incidents': {
      servers: [RECORDER_SERVER],
      get: {
        operationId: 'listIncidents',
        tags: ['recorder'],
        summary: 'List incidents, newest impact start first',
        security: readSecurity,
        parameters: [
          { name: 'status', in: 'query', schema: ref('IncidentStatus') },
          {
            name: 'service',
            in: 'query',
            description: 'Incidents that involve this service (any of their services).',
            schema: { type: 'string', maxLength: 256 },
          },
          { name: 'severity', in: 'query', schema: ref('Severity') },
          {
            name: 'since',
            in: 'query',
            description: 'Incidents whose impact started at or after this time.',
            schema: ref('TimeOrAge'),
          },
          {
            name: 'until',
            in: 'query',
            description: 'Incidents whose impact started before this time.',
            schema: ref('TimeOrAge'),
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'The `nextCursor` of the previous page.',
            schema: { type: 'string', maxLength: 512 },
          },
        ],
        responses: {
          '200': { description: 'One page of incidents.', content: json(ref('IncidentList')) },
          '400': response('InvalidQuery'),
          '401': response('Unauthorized'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/incidents/{id}': {
      servers: [RECORDER_SERVER],
      get: {
        operationId: 'getIncident',
        tags: ['recorder'],
        summary: 'One incident: moments, durations, impact, probable cause, changes',
        security: readSecurity,
        parameters: [incidentId],
        responses: {
          '200': { description: 'The incident.', content: json(ref('IncidentDetail')) },
          '401': response('Unauthorized'),
          '404': response('NotFound'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/incidents/{id}/timeline': {
      servers: [RECORDER_SERVER],
      get: {
        operationId: 'getIncidentTimeline',
        tags: ['recorder'],
        summary: 'Every timeline entry of an incident, in time order',
        security: readSecurity,
        parameters: [incidentId],
        responses: {
          '200': { description: 'The timeline.', content: json(ref('Timeline')) },
          '401': response('Unauthorized'),
          '404': response('NotFound'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/incidents/{id}/entries': {
      servers: [RECORDER_SERVER],
      post: {
        operationId: 'addIncidentEntry',
        tags: ['recorder'],
        summary: 'Add what only people know to an incident’s timeline',
        description:
          'Needs the read-write token (`SITREP_API_TOKEN`); the read-only token gets 403. The entry ' +
          'is published on the bus before it is stored. Sending an `id` makes retries safe: a ' +
          'repeated id answers 200 with what was recorded the first time.',
        security: writeSecurity,
        parameters: [incidentId],
        requestBody: {
          required: true,
          description: 'Content-Type `application/json` (or any `application/*+json`).',
          content: json(ref('EntryRequest')),
        },
        responses: {
          '200': {
            description: 'An entry with this `id` was recorded before; nothing new was recorded.',
            content: json(ref('EntryResult')),
          },
          '201': {
            description: 'The entry is recorded; the incident’s moments reflect it.',
            headers: {
              Location: {
                description: 'The incident’s timeline.',
                required: true,
                schema: { type: 'string' },
              },
            },
            content: json(ref('EntryResult')),
          },
          '400': response('InvalidBody'),
          '401': response('Unauthorized'),
          '403': response('Forbidden'),
          '404': response('NotFound'),
          '413': response('PayloadTooLarge'),
          '415': response('UnsupportedMediaType'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/incidents/{id}/postmortem': {
      servers: [RECORDER_SERVER],
      get: {
        operationId: 'getIncidentPostmortem',
        tags: ['recorder'],
        summary: 'A postmortem draft in Markdown',
        description:
          'Issue Summary, Timeline, Root Cause and Resolution, Corrective and Preventative Measures; ' +
          'every time in the given zone, with its offset.',
        security: readSecurity,
        parameters: [
          incidentId,
          {
            name: 'tz',
            in: 'query',
            description: 'An IANA time zone such as Europe/Berlin.',
            schema: { type: 'string', maxLength: 64, default: 'UTC' },
          },
        ],
        responses: {
          '200': {
            description: 'The draft.',
            content: { 'text/markdown': { schema: { type: 'string' } } },
          },
          '400': response('InvalidQuery'),
          '401': response('Unauthorized'),
          '404': response('NotFound'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
    '/api/v1/reports/reliability': {
      servers: [RECORDER_SERVER],
      get: {
        operationId: 'getReliabilityReport',
        tags: ['recorder'],
        summary: 'MTTD, MTTA, MTTM and MTTR per service, per severity or overall',
        description: 'Over the incidents whose impact started in [since, until) and where each moment happened.',
        security: readSecurity,
        parameters: [
          { name: 'since', in: 'query', schema: ref('TimeOrAge') },
          { name: 'until', in: 'query', description: 'Must be after `since`.', schema: ref('TimeOrAge') },
          { name: 'groupBy', in: 'query', schema: ref('ReliabilityGrouping') },
        ],
        responses: {
          '200': { description: 'The report.', content: json(ref('ReliabilityReport')) },
          '400': response('InvalidQuery'),
          '401': response('Unauthorized'),
          '500': response('Internal'),
          '503': response('Unavailable'),
        },
      },
    },
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
          '503': { description: 'Not ready; `checks` says what it waits for.', content: json(ref('Readiness')) },
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
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description:
          'alert-ingest: `SITREP_INGEST_BEARER_TOKEN`. Recorder: role `read` is the read-only token ' +
          '(`SITREP_API_READ_TOKEN`) or the read-write one; role `write` is only the read-write token ' +
          '(`SITREP_API_TOKEN`). With `SITREP_AUTH=disabled` (loopback only) nothing is checked.',
      },
      basicAuth: {
        type: 'http',
        scheme: 'basic',
        description: 'alert-ingest only: `SITREP_INGEST_BASIC_AUTH` (user:password), as Alertmanager’s basic_auth.',
      },
    },
    parameters: {
      IncidentId: { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
    },
    headers: {
      RetryAfter: {
        description: 'Seconds to wait before retrying (`SITREP_RETRY_AFTER_SECONDS`).',
        required: true,
        schema: { type: 'string', pattern: '^\\d+$' },
      },
      WwwAuthenticate: {
        description: 'One challenge per accepted scheme, e.g. `Bearer realm="sitrep"`.',
        required: true,
        schema: { type: 'string' },
      },
    },
    responses: {
      InvalidBody: {
        description: 'The body is not JSON (`invalid_json`) or a field is missing or wrong (`invalid_payload`).',
        content: json(ref('InvalidBodyError')),
      },
      InvalidQuery: {
        description: 'A query parameter is wrong (`invalid_query`); `field` names it, `details` lists all.',
        content: json(ref('InvalidQueryError')),
      },
      Unauthorized: {
        description: 'Missing or wrong credentials (`unauthorized`).',
        headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } },
        content: json(ref('UnauthorizedError')),
      },
      Forbidden: {
        description: 'A read-only token tried to write (`forbidden`).',
        content: json(ref('ForbiddenError')),
      },
      NotFound: {
        description: 'No such incident (`not_found`).',
        content: json(ref('NotFoundError')),
      },
      PayloadTooLarge: {
        description: 'The body is over the size limit (`payload_too_large`).',
        content: json(ref('PayloadTooLargeError')),
      },
      UnsupportedMediaType: {
        description: 'The Content-Type is not JSON (`unsupported_media_type`).',
        content: json(ref('UnsupportedMediaTypeError')),
      },
      Internal: {
        description: 'A bug on Sitrep’s side (`internal`); the request may be retried.',
        content: json(ref('InternalError')),
      },
      Unavailable: {
        description: 'The bus or the store is unreachable or slow (`unavailable`); retry after `Retry-After`.',
        headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
        content: json(ref('UnavailableError')),
      },
    },
    schemas: {
      ErrorCode: {
        description: 'Stable error codes: clients match on these, never on the message.',
        enum: [
          'invalid_json',
          'invalid_payload',
          'invalid_query',
          'unauthorized',
          'forbidden',
          'not_found',
          'method_not_allowed',
          'payload_too_large',
          'unsupported_media_type',
          'internal',
          'unavailable',
        ],
      },
      FieldProblem: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'message'],
        properties: {
          field: {
            type: 'string',
            description: 'JSON path of the body field (`alerts[0].startsAt`), or the query parameter name.',
          },
          message: { type: 'string' },
        },
      },
      Error: {
        type: 'object',
        additionalProperties: false,
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'message'],
            properties: {
              code: ref('ErrorCode'),
              message: { type: 'string' },
              field: { type: 'string', description: 'The first field at fault.' },
              details: { type: 'array', minItems: 1, items: ref('FieldProblem'), description: 'Every field at fault.' },
            },
          },
        },
      },
      InvalidBodyError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['invalid_json', 'invalid_payload'] } } } },
      },
      InvalidQueryError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['invalid_query'] } } } },
      },
      UnauthorizedError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['unauthorized'] } } } },
      },
      ForbiddenError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['forbidden'] } } } },
      },
      NotFoundError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['not_found'] } } } },
      },
      PayloadTooLargeError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['payload_too_large'] } } } },
      },
      UnsupportedMediaTypeError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['unsupported_media_type'] } } } },
      },
      InternalError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['internal'] } } } },
      },
      UnavailableError: {
        allOf: [ref('Error')],
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { enum: ['unavailable'] } } } },
      },
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
      LabelSet: { type: 'object', additionalProperties: { type: 'string' } },
      AlertmanagerWebhook: {
        type: 'object',
        description: 'Alertmanager’s webhook notification, version 4. Unknown fields are ignored.',
        required: ['version', 'groupKey', 'status', 'receiver', 'alerts'],
        properties: {
          version: { const: '4' },
          groupKey: { type: 'string' },
          truncatedAlerts: { type: 'integer', minimum: 0, default: 0 },
          status: { enum: ['firing', 'resolved'] },
          receiver: { type: 'string' },
          groupLabels: ref('LabelSet'),
          commonLabels: ref('LabelSet'),
          commonAnnotations: ref('LabelSet'),
          externalURL: { type: 'string' },
          alerts: { type: 'array', items: ref('WebhookAlert') },
        },
      },
      WebhookAlert: {
        type: 'object',
        required: ['status', 'labels', 'startsAt'],
        properties: {
          status: { enum: ['firing', 'resolved'] },
          labels: { ...ref('LabelSet'), type: 'object', minProperties: 1 },
          annotations: ref('LabelSet'),
          startsAt: rfc3339,
          endsAt: { ...rfc3339, description: '`0001-01-01T00:00:00Z` (Go’s zero time) while firing.' },
          generatorURL: { type: 'string' },
          fingerprint: {
            type: 'string',
            minLength: 1,
            maxLength: 128,
            description: 'Sent since Alertmanager 0.19; computed from the labels when absent.',
          },
        },
      },
      WebhookAccepted: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'alerts', 'ids'],
        properties: {
          status: { const: 'accepted' },
          alerts: { type: 'integer', minimum: 0, description: 'Alerts in the notification.' },
          ids: {
            type: 'array',
            items: { type: 'string' },
            description: 'Each alert’s occurrence id, in order (the `sitrep-id` of its record).',
          },
        },
      },
      ChangeRequest: {
        type: 'object',
        description: 'Unknown fields are ignored.',
        required: ['service', 'kind', 'summary', 'at'],
        properties: {
          id: { ...clientId, description: 'Your id for this change: a retry with the same id is the same change.' },
          service: { type: 'string', pattern: notBlank, maxLength: 256 },
          kind: {
            type: 'string',
            pattern: '^[a-z][a-z0-9_.-]{0,63}$',
            description: 'A lower-case word: deploy, config, feature_flag, rollback...',
          },
          summary: { type: 'string', pattern: notBlank, maxLength: 1024 },
          at: { ...rfc3339, description: 'When the change took effect; not in the future (beyond clock skew).' },
          labels: {
            type: 'object',
            propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
            additionalProperties: { type: 'string' },
            default: {},
          },
          link: { type: 'string', format: 'uri', pattern: '^https?://' },
        },
      },
      ChangeAccepted: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'id'],
        properties: {
          status: { const: 'accepted' },
          id: { type: 'string', description: 'Your id, or one derived from service, kind, at and summary.' },
        },
      },
      TimeOrAge: {
        type: 'string',
        description:
          'An RFC 3339 time (2026-11-22T03:00:00Z), a date (2026-11-22), or an age before now (30m, 12h, 7d, 2w).',
        pattern:
          '^\\s*(\\d{1,6}[mhdw]|\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?)\\s*$',
      },
      Severity: { enum: ['critical', 'warning', 'info'] },
      IncidentStatus: {
        enum: ['open', 'resolved', 'closed'],
        description: '`resolved` by every alert resolving or by a person; `closed` by a person.',
      },
      SignalClass: { enum: ['error_rate', 'latency', 'load_imbalance', 'saturation', 'availability', 'other'] },
      IncidentListItem: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'status',
          'severity',
          'services',
          'startedAt',
          'detectedAt',
          'acknowledgedAt',
          'mitigatedAt',
          'resolvedAt',
          'closedAt',
          'updatedAt',
        ],
        properties: {
          id: { type: 'string' },
          status: ref('IncidentStatus'),
          severity: ref('Severity'),
          services: { type: 'array', items: { type: 'string' } },
          startedAt: instant,
          detectedAt: instant,
          acknowledgedAt: optionalInstant,
          mitigatedAt: optionalInstant,
          resolvedAt: optionalInstant,
          closedAt: optionalInstant,
          updatedAt: instant,
        },
      },
      IncidentList: {
        type: 'object',
        additionalProperties: false,
        required: ['incidents', 'nextCursor'],
        properties: {
          incidents: { type: 'array', items: ref('IncidentListItem') },
          nextCursor: {
            type: ['string', 'null'],
            description: 'Pass as `cursor` for the next page; null on the last.',
          },
        },
      },
      Moments: {
        type: 'object',
        additionalProperties: false,
        required: ['startedAt', 'detectedAt', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt', 'closedAt'],
        properties: {
          startedAt: {
            ...instant,
            description: 'Impact start: the earliest alert start, or a person’s impact_started.',
          },
          detectedAt: { ...instant, description: 'When Sitrep received the first alert.' },
          acknowledgedAt: optionalInstant,
          mitigatedAt: optionalInstant,
          resolvedAt: optionalInstant,
          closedAt: optionalInstant,
        },
      },
      Durations: {
        type: 'object',
        additionalProperties: false,
        required: ['timeToDetect', 'timeToAcknowledge', 'timeToMitigate', 'timeToResolve', 'duration'],
        properties: {
          timeToDetect: seconds,
          timeToAcknowledge: optionalSeconds,
          timeToMitigate: optionalSeconds,
          timeToResolve: optionalSeconds,
          duration: { ...seconds, description: 'Seconds from impact start to resolution (or now, while open).' },
        },
      },
      SignalImpact: {
        type: 'object',
        additionalProperties: false,
        required: ['signal', 'peak', 'mean', 'alerts'],
        properties: {
          signal: ref('SignalClass'),
          peak: { type: 'number', description: 'The highest value any alert of this signal reported.' },
          mean: { type: 'number', description: 'Time-weighted over the incident; no alert firing counts as zero.' },
          alerts: { type: 'integer', minimum: 0 },
        },
      },
      Impact: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'affected', 'signals'],
        properties: {
          source: {
            enum: ['alerts', 'prometheus'],
            description: '`prometheus` when any alert counted by its series, else `alerts` (their reported values).',
          },
          warning: { type: 'string', description: 'Which alerts counted by their reported values instead, and why.' },
          affected: {
            description: 'The mean error-rate ratio; null when no error-rate alert reported a ratio.',
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['share', 'of'],
                properties: {
                  share: { type: 'number', minimum: 0, maximum: 1 },
                  of: { enum: ['requests', 'users'] },
                },
              },
            ],
          },
          signals: { type: 'array', items: ref('SignalImpact') },
        },
      },
      CauseHint: {
        type: 'object',
        additionalProperties: false,
        required: ['rank', 'signal', 'service', 'since', 'reason'],
        properties: {
          rank: { type: 'integer', minimum: 1 },
          signal: { anyOf: [ref('SignalClass'), { const: 'change' }] },
          service: { type: 'string' },
          since: { ...instant, description: 'When this cause began: its first alert’s start, or the change’s time.' },
          reason: { type: 'string' },
          changeId: { type: 'string', description: 'The change, when the hint is one.' },
        },
      },
      IncidentChange: {
        type: 'object',
        additionalProperties: false,
        required: ['changeId', 'service', 'kind', 'summary', 'at', 'link'],
        properties: {
          changeId: { type: 'string' },
          service: { type: 'string' },
          kind: { type: 'string' },
          summary: { type: 'string' },
          at: instant,
          link: { type: ['string', 'null'] },
        },
      },
      IncidentDetail: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'status',
          'severity',
          'scope',
          'services',
          'signals',
          'alertCount',
          'moments',
          'durations',
          'impact',
          'probableCause',
          'changes',
          'lastSequence',
          'waitingEvents',
        ],
        properties: {
          id: { type: 'string' },
          status: ref('IncidentStatus'),
          severity: ref('Severity'),
          scope: { type: 'string' },
          services: { type: 'array', items: { type: 'string' } },
          signals: { type: 'array', items: ref('SignalClass'), description: 'In the order they appeared.' },
          alertCount: { type: 'integer', minimum: 0 },
          moments: ref('Moments'),
          durations: ref('Durations'),
          impact: ref('Impact'),
          probableCause: { type: 'array', items: ref('CauseHint'), description: 'Most likely first.' },
          changes: { type: 'array', items: ref('IncidentChange') },
          lastSequence: { type: 'integer', minimum: 1, description: 'Sequence of the last incident event applied.' },
          waitingEvents: {
            type: 'integer',
            minimum: 0,
            description: 'Events stored but not applied yet: one before them has not arrived.',
          },
        },
      },
      TimelineEntry: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'at', 'kind', 'source', 'text', 'author'],
        properties: {
          id: { type: 'string' },
          at: instant,
          kind: { enum: TIMELINE_KINDS },
          source: { enum: ['alert', 'change', 'person', 'system'] },
          text: { type: 'string' },
          author: { type: ['string', 'null'], description: 'Who wrote it, for entries by people.' },
        },
      },
      Timeline: {
        type: 'object',
        additionalProperties: false,
        required: ['incidentId', 'entries'],
        properties: {
          incidentId: { type: 'string' },
          entries: { type: 'array', items: ref('TimelineEntry') },
        },
      },
      EntryKind: { enum: ENTRY_KINDS },
      EntryRequest: {
        type: 'object',
        description:
          'Unknown fields are ignored. `to` is required for, and only allowed with, kind `escalated`. ' +
          '`text` may be empty only for acknowledged, escalated, mitigated, resolved, closed and impact_started.',
        required: ['kind', 'author', 'text'],
        properties: {
          id: { ...clientId, description: 'Your id for this entry: a retry with the same id is recorded once.' },
          kind: ref('EntryKind'),
          at: { ...rfc3339, description: 'When it happened (default now); backdating is fine, the future is not.' },
          author: { type: 'string', pattern: notBlank, maxLength: 256 },
          text: { type: 'string', maxLength: 10000 },
          to: { type: 'string', pattern: notBlank, maxLength: 256, description: 'For escalated: to whom.' },
        },
        allOf: [
          {
            if: { properties: { kind: { const: 'escalated' } }, required: ['kind'] },
            then: { required: ['to'] },
            else: { not: { required: ['to'] } },
          },
          {
            if: {
              properties: { kind: { enum: ['note', 'action', 'misleading_path', 'root_cause'] } },
              required: ['kind'],
            },
            then: { properties: { text: { type: 'string', pattern: notBlank } } },
          },
        ],
      },
      Entry: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'incidentId', 'kind', 'at', 'recordedAt', 'author', 'text', 'to'],
        properties: {
          id: { type: 'string' },
          incidentId: { type: 'string' },
          kind: ref('EntryKind'),
          at: instant,
          recordedAt: instant,
          author: { type: 'string' },
          text: { type: 'string' },
          to: { type: ['string', 'null'] },
        },
      },
      EntryResult: {
        type: 'object',
        additionalProperties: false,
        required: ['entry', 'incident'],
        properties: { entry: ref('Entry'), incident: ref('IncidentListItem') },
      },
      ReliabilityGrouping: { enum: ['service', 'severity', 'none'], default: 'none' },
      DurationStats: {
        type: 'object',
        additionalProperties: false,
        required: ['count', 'mean', 'median', 'p90'],
        description: 'Seconds, over the incidents where this moment happened; null when there are none.',
        properties: {
          count: { type: 'integer', minimum: 0 },
          mean: { type: ['number', 'null'] },
          median: { type: ['number', 'null'] },
          p90: { type: ['number', 'null'], description: 'Nearest rank: an observed value.' },
        },
      },
      ReliabilityGroup: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'incidents', 'timeToDetect', 'timeToAcknowledge', 'timeToMitigate', 'timeToResolve'],
        properties: {
          key: { type: 'string', description: 'The service (the incident’s first), the severity, or `all`.' },
          incidents: { type: 'integer', minimum: 1 },
          timeToDetect: ref('DurationStats'),
          timeToAcknowledge: ref('DurationStats'),
          timeToMitigate: ref('DurationStats'),
          timeToResolve: ref('DurationStats'),
        },
      },
      ReliabilityReport: {
        type: 'object',
        additionalProperties: false,
        required: ['since', 'until', 'groupBy', 'incidents', 'groups'],
        properties: {
          since: optionalInstant,
          until: optionalInstant,
          groupBy: ref('ReliabilityGrouping'),
          incidents: { type: 'integer', minimum: 0 },
          groups: { type: 'array', items: ref('ReliabilityGroup'), description: 'In key order.' },
        },
      },
    },
  },
} as const;
