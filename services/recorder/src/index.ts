export { applyIncidentEvent } from './apply-event.js';
export type { ApplyOutcome } from './apply-event.js';
