export { alertFromRecord, changeFromRecord, incidentEventFromRecord, incidentEventRecord } from './records.js';
export { DEAD_LETTER_REASONS, deadLetterRecord, readRecord } from './consumed-record.js';
export type { ConsumedRecord, DeadLetterReason, ReadResult } from './consumed-record.js';
