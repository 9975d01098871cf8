export { alertFromRecord, changeFromRecord, incidentEventFromRecord, incidentEventRecord } from './records.js';
