import { IMPACT_START_SOURCES } from './alert-condition.js';
import { clientId, instant, optionalInstant, ref, rfc3339, storableNotBlank, storableText } from './openapi-shared.js';
import { TIME_OR_AGE_PATTERN } from './query-formats.js';
import { ENTRY_KINDS } from './timeline-entry-record.js';

/*
 * The schemas of what the recorder's API serves and reads: incidents with their moments,
 * durations, impact and probable cause; timelines; people's entries; reliability reports.
 */

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

export const recorderSchemas = {
  TimeOrAge: {
    type: 'string',
    description:
      'An RFC 3339 time (2026-11-22T03:00:00Z), a date (2026-11-22), or an age before now (30m, 12h, 7d, 2w).',
    pattern: TIME_OR_AGE_PATTERN,
  },
  Severity: { enum: ['critical', 'warning', 'info'] },
  IncidentStatus: {
    enum: ['open', 'resolving', 'resolved', 'closed'],
    description:
      '`resolving` while every alert has ended and the quiet period runs (see `resolvesAt`; an alert firing again makes it `open`); `resolved` by every alert resolving or by a person; `closed` by a person.',
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
        description:
          'Impact start: when the condition of the earliest alert first held (its start when that is not known), or a person’s impact_started; see impactStartSource.',
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
      'resolvesAt',
      'warnings',
      'impactStartSource',
    ],
    properties: {
      id: { type: 'string' },
      status: ref('IncidentStatus'),
      resolvesAt: {
        ...optionalInstant,
        description: 'While `resolving`: when the quiet period ends and the incident resolves unless an alert fires.',
      },
      severity: ref('Severity'),
      scope: { type: 'string' },
      services: { type: 'array', items: { type: 'string' } },
      signals: { type: 'array', items: ref('SignalClass'), description: 'In the order they appeared.' },
      alertCount: { type: 'integer', minimum: 0 },
      moments: ref('Moments'),
      impactStartSource: {
        enum: IMPACT_START_SOURCES,
        description:
          "Where moments.startedAt came from: `alert_startsAt` (the earliest alert's start; nothing better known), `prometheus_active` (the activeAt of the alert Prometheus listed pending), `prometheus_rule` (its start less its rule's for: in Prometheus), `correlation_file` (its start less the correlation file's alert_for), `person` (an impact_started entry).",
      },
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
      warnings: {
        type: 'array',
        items: { type: 'string' },
        description: 'What the reader should know before trusting this record, e.g. events waiting for a missing one.',
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
      author: { type: 'string', pattern: storableNotBlank, maxLength: 256 },
      text: { type: 'string', pattern: storableText, maxLength: 10000 },
      to: { type: 'string', pattern: storableNotBlank, maxLength: 256, description: 'For escalated: to whom.' },
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
        then: { properties: { text: { type: 'string', pattern: storableNotBlank } } },
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
} as const;
