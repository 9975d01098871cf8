export { alertFromRecord, alertMessages, alertRecord, alertsFromWebhook, readAlert } from './alerts.js';
export { changeFromRecord, changeFromRequest, changeMessage, changeRecord, readChange } from './changes.js';
export { DEAD_LETTER_REASONS, readRecord } from './consumed-record.js';
export type { ConsumedRecord, DeadLetterReason, ReadResult } from './consumed-record.js';
export {
  correlatorLayoutMessage,
  correlatorSnapshotOf,
  correlatorStateMessage,
  correlatorStatePartMessages,
  correlatorStateRecord,
  correlatorStateTombstone,
  readCorrelatorState,
  readCorrelatorStateParts,
} from './correlator-state.js';
export type { StoredCorrelatorParts } from './correlator-state.js';
export { deadLetterMessage, deadLetterSender, readDeadLetter } from './dead-letter.js';
export type { DeadLetter, DeadLetterDeps, DeadLetterSend } from './dead-letter.js';
export { envelope } from './envelope.js';
export type { EncodedMessage } from './envelope.js';
export {
  incidentEventFromRecord,
  incidentEventMessage,
  incidentEventMessages,
  incidentEventRecord,
  readIncidentEventRecord,
} from './incident-events.js';
export type { ReadIncidentEventRecord } from './incident-events.js';
export { readTimelineEntryRecord, timelineEntryMessage } from './timeline-entries.js';
export { decodeAlertmanagerWebhook } from './webhook-decode.js';
