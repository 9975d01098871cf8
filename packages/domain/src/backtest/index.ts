export { scoreGrouping } from './grouping-score.js';
export type {
  GroupedIncident,
  GroupingScore,
  LabelledIncident,
  MergedIncident,
  MissedOccurrence,
  PairCounts,
  ShapeScore,
  SplitIncident,
  TrueIncidentRef,
} from './grouping-score.js';
export { incidentAlerts } from './incident-alerts.js';
export type { IncidentAlertView } from './incident-alerts.js';
export { occurrenceKey } from './occurrence.js';
export type { Occurrence } from './occurrence.js';
