export { applyIncidentEvent, applyTimelineEntry } from './incident-writer.js';
export type { Applied, ApplyOutcome } from './incident-writer.js';
