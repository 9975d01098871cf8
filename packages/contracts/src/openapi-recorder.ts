import { errorResponses } from './openapi-errors.js';
import { json, RECORDER_SERVER, ref } from './openapi-shared.js';
import { CURSOR_PATTERN } from './query-formats.js';
import { TIME_ZONES } from './time-zones.js';

/*
 * The recorder's API in the OpenAPI document (tag `recorder`): incidents, timelines, people's
 * entries, postmortems and reliability reports. Their schemas are in openapi-recorder-schemas.ts.
 */

const readSecurity = [{ bearerAuth: ['read'] }] as const;
const writeSecurity = [{ bearerAuth: ['write'] }] as const;

const incidentId = { $ref: '#/components/parameters/IncidentId' } as const;

export const recorderPaths = {
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
          description: 'Incidents that involve exactly this service (any of their services).',
          schema: { type: 'string', minLength: 1, maxLength: 256 },
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
          schema: { type: 'string', pattern: CURSOR_PATTERN },
        },
      ],
      responses: {
        '200': { description: 'One page of incidents.', content: json(ref('IncidentList')) },
        ...errorResponses('invalid_query', 'unauthorized', 'internal', 'unavailable'),
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
        ...errorResponses('unauthorized', 'not_found', 'internal', 'unavailable'),
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
        ...errorResponses('unauthorized', 'not_found', 'internal', 'unavailable'),
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
        'repeated id answers 200 with what was recorded the first time; an id already used on another ' +
        'incident answers 409.',
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
        ...errorResponses(
          'invalid_json',
          'invalid_payload',
          'unauthorized',
          'forbidden',
          'not_found',
          'conflict',
          'payload_too_large',
          'unsupported_media_type',
          'internal',
          'unavailable',
        ),
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
          description: 'An IANA time zone such as Europe/Berlin, spelt as listed.',
          schema: { enum: TIME_ZONES, default: 'UTC' },
        },
      ],
      responses: {
        '200': {
          description: 'The draft.',
          content: { 'text/markdown': { schema: { type: 'string' } } },
        },
        ...errorResponses('invalid_query', 'unauthorized', 'not_found', 'internal', 'unavailable'),
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
        ...errorResponses('invalid_query', 'unauthorized', 'internal', 'unavailable'),
      },
    },
  },
} as const;

export const recorderParameters = {
  IncidentId: { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
} as const;
