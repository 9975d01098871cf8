export { HUMAN_ENTRY_KINDS, isHumanEntryKind } from './entries.js';
export type { AutomaticEntryKind, EntrySource, HumanEntry, HumanEntryKind, TimelineEntry } from './entries.js';
export { incidentDurations, incidentMoments } from './durations.js';
export type { IncidentDurations, IncidentMoments } from './durations.js';
export { incidentImpact } from './impact.js';
export type { IncidentImpact, SignalImpact } from './impact.js';
export { durationStats, reliabilityReport } from './reliability.js';
export type { DurationStats, ReliabilityGroup, ReliabilityGrouping, ReportedIncident } from './reliability.js';
export { automaticEntries, buildTimeline, humanTimelineEntry } from './timeline.js';
