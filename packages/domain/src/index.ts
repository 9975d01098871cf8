export { alertOccurrenceId } from './alert.js';
export type { Alert, AlertListing, AlertStatus } from './alert.js';
export { changeId } from './change.js';
export type { Change } from './change.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { labelsFingerprint } from './fingerprint.js';
export { normaliseLabels } from './labels.js';
export type { Labels } from './labels.js';
export { alertScope, scopeKey } from './scope.js';
export type { Scope } from './scope.js';
export {
  ALERT_END_REASONS,
  classifySignal,
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  DEFAULT_SEVERITY_MAPPING,
  DEFAULT_SIGNAL_RULES,
  DependencyMap,
  describeSignal,
  foldIncident,
  summariseIncidents,
  higherSeverity,
  isCauseLike,
  isSymptomLike,
  rankCandidates,
  severityOf,
  SIGNAL_CLASSES,
} from './correlation/index.js';
export type {
  AlertAttached,
  AlertEndReason,
  AlertResolved,
  CauseHint,
  CauseCandidate,
  CauseRanked,
  ChangeAttached,
  CorrelationSettings,
  CorrelatorIncidentStatus,
  CorrelatorSnapshot,
  IncidentAlert,
  IncidentChange,
  IncidentEvent,
  IncidentEventType,
  IncidentOpened,
  IncidentReopened,
  IncidentResolved,
  IncidentResolving,
  IncidentSummary,
  IncidentSummaryStatus,
  Severity,
  SeverityChanged,
  SeverityMapping,
  SignalClass,
  SignalRule,
} from './correlation/index.js';
export {
  automaticEntries,
  buildTimeline,
  durationStats,
  expressionFromGeneratorUrl,
  HUMAN_ENTRY_KINDS,
  humanTimelineEntry,
  impactFromSeries,
  incidentDurations,
  incidentImpact,
  incidentMoments,
  INCIDENT_STATUSES,
  incidentStatus,
  isHumanEntryKind,
  recordIncident,
  reliabilityReport,
  renderPostmortem,
  humanDuration,
  isValidTimeZone,
} from './recording/index.js';
export type {
  AlertSeries,
  AutomaticEntryKind,
  DurationStats,
  EntrySource,
  HumanEntry,
  HumanEntryKind,
  IncidentDurations,
  IncidentImpact,
  IncidentMoments,
  IncidentRecord,
  IncidentStatus,
  PostmortemOptions,
  ReliabilityGroup,
  ReliabilityGrouping,
  ReportedIncident,
  Series,
  SeriesImpactOptions,
  SeriesSample,
  SignalImpact,
  TimelineEntry,
} from './recording/index.js';
export { incidentAlerts, occurrenceKey, scoreGrouping } from './backtest/index.js';
export type {
  GroupedIncident,
  GroupingScore,
  IncidentAlertView,
  LabelledIncident,
  MergedIncident,
  MissedOccurrence,
  Occurrence,
  PairCounts,
  ShapeScore,
  SplitIncident,
  TrueIncidentRef,
} from './backtest/index.js';
