import { errorResponses } from './openapi-errors.js';
import { HTTP_LINK_PATTERN } from './change-record.js';
import { clientId, INGEST_SERVER, json, ref, rfc3339, storableNotBlank, storableText } from './openapi-shared.js';

/*
 * alert-ingest's API in the OpenAPI document (tag `ingest`): the Alertmanager webhook receiver
 * and change events, with the schemas only it reads and writes.
 */

const ingestSecurity = [{ bearerAuth: [] }, { basicAuth: [] }] as const;

/** What a JSON body behind the receiver's credentials can be answered with, besides success. */
const RECEIVER_ERRORS = [
  'invalid_json',
  'invalid_payload',
  'unauthorized',
  'payload_too_large',
  'unsupported_media_type',
  'internal',
  'unavailable',
] as const;

export const ingestPaths = {
  '/api/v1/alertmanager': {
    servers: [INGEST_SERVER],
    post: {
      operationId: 'receiveAlertmanagerWebhook',
      tags: ['ingest'],
      summary: 'Receive an Alertmanager notification (webhook format version 4)',
      description:
        'Answers 200 only after every alert of the notification is durably stored on the bus. ' +
        'Unknown fields are accepted and ignored. Alertmanager retries 5xx only, and Sitrep never ' +
        'answers 429. A notification over a limit (label and annotation sizes, labels per alert, ' +
        'alerts per notification, the bus’s message size) is refused whole, 400 or 413 naming the ' +
        'limit and the field, never truncated; so is an alert whose `startsAt` is more than ' +
        '`SITREP_ALERT_MAX_SKEW_MS` after its receipt, and any string holding NUL or an unpaired ' +
        'surrogate.',
      security: ingestSecurity,
      requestBody: {
        required: true,
        description: 'Content-Type `application/json` (or any `application/*+json`).',
        content: json(ref('AlertmanagerWebhook')),
      },
      responses: {
        '200': { description: 'Every alert is stored.', content: json(ref('WebhookAccepted')) },
        ...errorResponses(...RECEIVER_ERRORS),
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
        'causes. `at` may be at most `SITREP_CHANGE_MAX_SKEW_MS` in the future. Labels and `link` ' +
        'have the webhook’s size limits, and a change too large for the bus is refused with 413.',
      security: ingestSecurity,
      requestBody: {
        required: true,
        description: 'Content-Type `application/json` (or any `application/*+json`).',
        content: json(ref('ChangeRequest')),
      },
      responses: {
        '200': { description: 'The change is stored.', content: json(ref('ChangeAccepted')) },
        ...errorResponses(...RECEIVER_ERRORS),
      },
    },
  },
} as const;

export const basicAuth = {
  type: 'http',
  scheme: 'basic',
  description: 'alert-ingest only: `SITREP_INGEST_BASIC_AUTH` (user:password), as Alertmanager’s basic_auth.',
} as const;

export const ingestSchemas = {
  LabelSet: {
    type: 'object',
    propertyNames: { pattern: storableText },
    additionalProperties: { type: 'string', pattern: storableText },
  },
  AlertmanagerWebhook: {
    type: 'object',
    description: 'Alertmanager’s webhook notification, version 4. Unknown fields are ignored.',
    required: ['version', 'groupKey', 'status', 'receiver', 'alerts'],
    properties: {
      version: { const: '4' },
      groupKey: { type: 'string', pattern: storableText },
      truncatedAlerts: { type: 'integer', minimum: 0, default: 0 },
      status: { enum: ['firing', 'resolved'] },
      receiver: { type: 'string', pattern: storableText },
      groupLabels: ref('LabelSet'),
      commonLabels: ref('LabelSet'),
      commonAnnotations: ref('LabelSet'),
      externalURL: { type: 'string', pattern: storableText },
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
      endsAt: {
        anyOf: [rfc3339, { const: '0001-01-01T00:00:00Z' }],
        description: '`0001-01-01T00:00:00Z` (Go’s zero time) while firing.',
      },
      generatorURL: { type: 'string', pattern: storableText },
      fingerprint: {
        type: 'string',
        pattern: storableText,
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
      service: { type: 'string', pattern: storableNotBlank, maxLength: 256 },
      kind: {
        type: 'string',
        pattern: '^[a-z][a-z0-9_.-]{0,63}$',
        description: 'A lower-case word: deploy, config, feature_flag, rollback...',
      },
      summary: { type: 'string', pattern: storableNotBlank, maxLength: 1024 },
      at: { ...rfc3339, description: 'When the change took effect; not in the future (beyond clock skew).' },
      labels: {
        type: 'object',
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: { type: 'string', pattern: storableText },
        default: {},
      },
      link: { type: 'string', format: 'uri', pattern: HTTP_LINK_PATTERN },
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
} as const;
