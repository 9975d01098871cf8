export {
  ALERT_RECORD_SCHEMA_NAME,
  alertRecordJsonSchema,
  alertRecordSchema,
  parseAlertRecord,
} from './alert-record.js';
export type { AlertRecordV1 } from './alert-record.js';
export { ALERT_CONDITION_SOURCES, IMPACT_START_SOURCES } from './alert-condition.js';
export type { AlertConditionSource, AlertConditionV1 } from './alert-condition.js';
export {
  CORRELATOR_STATE_PART_KINDS,
  CORRELATOR_STATE_PART_SCHEMA_NAME,
  CORRELATOR_STATE_SCHEMA_NAME,
  parseCorrelatorStatePartRecord,
  parseCorrelatorStateRecord,
} from './correlator-state-record.js';
export type {
  CorrelatorLayoutPart,
  CorrelatorPositionPart,
  CorrelatorStatePartRecordV2,
  CorrelatorStateRecordV1,
} from './correlator-state-record.js';
export { alertmanagerWebhookSchema, parseAlertmanagerWebhook, webhookAlertSchema } from './alertmanager-webhook.js';
export type { AlertmanagerWebhook, WebhookAlert } from './alertmanager-webhook.js';
export {
  CHANGE_RECORD_SCHEMA_NAME,
  changeRecordJsonSchema,
  changeRecordSchema,
  changeRequestSchema,
  parseChangeRecord,
  parseChangeRequest,
} from './change-record.js';
export type { ChangeRecordV1, ChangeRequest } from './change-record.js';
export { ERROR_CATALOGUE, ERROR_CODE_LIST, MAX_LISTED_PROBLEMS } from './error-catalogue.js';
export type { ErrorCode, ErrorStatus } from './error-catalogue.js';
export {
  INCIDENT_EVENT_SCHEMA_NAME,
  INCIDENT_EVENT_TYPES,
  incidentEventJsonSchema,
  incidentEventRecordSchema,
  parseFutureIncidentEventRecord,
  parseIncidentEventRecord,
} from './incident-event-record.js';
export type { FutureIncidentEventRecord, IncidentEventRecordV1 } from './incident-event-record.js';
export {
  ENTRY_KINDS,
  entryRequestSchema,
  parseEntryRequest,
  parseTimelineEntryRecord,
  TIMELINE_ENTRY_SCHEMA_NAME,
  timelineEntryRecordSchema,
} from './timeline-entry-record.js';
export type { EntryRequest, TimelineEntryRecordV1 } from './timeline-entry-record.js';
export { calendarValid, isGoZeroTime, rfc3339 } from './time.js';
export { DEFAULT_TOPIC_PREFIX, HEADERS, topicNames } from './topics.js';
export type { TopicNames } from './topics.js';
// Checks of the well-formed case, for fast paths in front of a schema (see record-checks.ts).
export { isObject, isRecordInstant, labelSet, storable, UNSURE } from './record-checks.js';
export { formatPath } from './validation.js';
export type { FieldIssue, ParseResult } from './validation.js';
export { openApiDocument } from './openapi.js';
export { CURSOR_PATTERN, TIME_OR_AGE_PATTERN } from './query-formats.js';
export { isTimeZone, TIME_ZONES } from './time-zones.js';
