import { DependencyMap } from './dependency-map.js';
import { DEFAULT_SEVERITY_MAPPING, type SeverityMapping } from './severity.js';
import { DEFAULT_SIGNAL_RULES, type SignalRule } from './signal.js';

/** Everything that shapes correlation. Durations in milliseconds of alert-stream time. */
export interface CorrelationSettings {
  readonly signalRules: readonly SignalRule[];
  /**
   * Labels that make an alert's scope. The first names the service (falling back to alertname);
   * the others (cluster, namespace) narrow it when an alert carries them: alerts from different
   * clusters never share an incident.
   */
  readonly scopeLabels: readonly string[];
  readonly dependencies: DependencyMap;
  readonly severity: SeverityMapping;
  /** A related alert joins an incident whose alerts all resolved at most this long ago. */
  readonly groupWindowMs: number;
  /** After its last alert resolves, an incident waits this long before it is resolved. */
  readonly quietPeriodMs: number;
  /** An alert of a resolved incident firing again this soon reopens it (flap suppression). */
  readonly reopenWindowMs: number;
  /** An incident older than this absorbs no new alerts: later trouble is a new incident. */
  readonly maxIncidentAgeMs: number;
  /** Changes this long before an incident's start are attached to it. */
  readonly changeLookbackMs: number;
  /** A resolved report may arrive before its firing report (HA peers); kept this long. */
  readonly outOfOrderSkewMs: number;
  /**
   * An occurrence no notification listed as firing for this long has ended (its resolution was
   * lost). Alertmanager repeats firing groups every repeat_interval: keep this a few times that.
   */
  readonly staleAfterMs: number;
  /**
   * Each alertname's `for:` as the correlation file states it (`alert_for`): ingest dates an
   * alert's condition this long before its startsAt when Prometheus does not tell it the rule's.
   * Correlation itself does not use it.
   */
  readonly alertForMs: ReadonlyMap<string, number>;
}

const MINUTE = 60_000;

export const DEFAULT_CORRELATION_SETTINGS: CorrelationSettings = {
  signalRules: DEFAULT_SIGNAL_RULES,
  scopeLabels: ['service', 'cluster', 'namespace'],
  dependencies: new DependencyMap(),
  severity: DEFAULT_SEVERITY_MAPPING,
  groupWindowMs: 10 * MINUTE,
  quietPeriodMs: 5 * MINUTE,
  reopenWindowMs: 30 * MINUTE,
  maxIncidentAgeMs: 24 * 60 * MINUTE,
  changeLookbackMs: 30 * MINUTE,
  outOfOrderSkewMs: 5 * MINUTE,
  // Three times Alertmanager's default repeat_interval (4h).
  staleAfterMs: 3 * 4 * 60 * MINUTE,
  alertForMs: new Map(),
};
