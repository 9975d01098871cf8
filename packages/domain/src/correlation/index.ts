export { Correlator } from './correlator.js';
export type { CorrelatorOptions } from './correlator.js';
export type { CorrelatorIncidentStatus, CorrelatorSnapshot } from './correlator-state.js';
export { partKey, snapshotFromParts } from './state-parts.js';
export { rekeyCorrelatorStates } from './rekey.js';
export type { CorrelatorStatePart } from './state-parts.js';
export { DependencyMap } from './dependency-map.js';
export { ALERT_END_REASONS } from './incident-event.js';
export type {
  AlertAttached,
  AlertEndReason,
  AlertResolved,
  CauseHint,
  CauseRanked,
  ChangeAttached,
  IncidentAlert,
  IncidentChange,
  IncidentEvent,
  IncidentEventType,
  IncidentOpened,
  IncidentReopened,
  IncidentResolved,
  IncidentResolving,
  SeverityChanged,
  UnrecognisedEvent,
} from './incident-event.js';
export { foldIncident, summariseIncidents } from './incident-summary.js';
export type { IncidentSummary, IncidentSummaryStatus } from './incident-summary.js';
export { rankCandidates } from './probable-cause.js';
export type { CauseCandidate } from './probable-cause.js';
export { DEFAULT_SEVERITY_MAPPING, higherSeverity, severityOf } from './severity.js';
export type { Severity, SeverityMapping } from './severity.js';
export { DEFAULT_CORRELATION_SETTINGS } from './settings.js';
export type { CorrelationSettings } from './settings.js';
export {
  classifySignal,
  DEFAULT_SIGNAL_RULES,
  describeSignal,
  isCauseLike,
  isSymptomLike,
  SIGNAL_CLASSES,
} from './signal.js';
export type { SignalClass, SignalRule } from './signal.js';
