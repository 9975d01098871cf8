import { readFileSync } from 'node:fs';
import { EnvReader, readPlatformSettings, type Env, type PlatformSettings } from '@sitrep/config';
import { loadCorrelationSettings, loadScopeLabel, parseDeliveries, replay } from '@sitrep/alert-ingest';
import { incidentAlerts, type CorrelationSettings, type IncidentAlertView, type IncidentSummary } from '@sitrep/domain';
import { commandLogger } from './command-bus.js';
import { withReplayBus } from './replay-bus.js';

export interface ReplayCommandOptions {
  readonly json: boolean;
  /** A correlation file; overrides SITREP_CORRELATION_CONFIG. */
  readonly config?: string;
}

/** An incident as `sitrep replay --json` prints it: one object per line. */
export function incidentJson(incident: IncidentSummary, alerts: readonly IncidentAlertView[] = []) {
  return {
    id: incident.id,
    scope: incident.scope,
    services: incident.services,
    signals: incident.signals,
    severity: incident.severity,
    status: incident.status,
    startedAt: incident.startedAt.toISOString(),
    detectedAt: incident.detectedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    alertCount: incident.alertCount,
    changes: incident.changes.map((change) => ({
      id: change.changeId,
      service: change.service,
      kind: change.kind,
      summary: change.summary,
      at: change.at.toISOString(),
      link: change.link,
    })),
    probableCause: incident.probableCause.map((hint) => ({
      rank: hint.rank,
      signal: hint.signal,
      ...(hint.changeId === undefined
        ? {}
        : { kind: incident.changes.find((c) => c.changeId === hint.changeId)?.kind ?? 'change' }),
      scope: hint.service,
      since: hint.since.toISOString(),
      reason: hint.reason,
    })),
    // Each occurrence as its incident holds it: what a backtest's truth file names.
    alerts: alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      alertname: alert.alertname,
      service: alert.service,
      startsAt: alert.startsAt.toISOString(),
      endsAt: alert.endsAt?.toISOString() ?? null,
      endReason: alert.endReason,
    })),
  };
}

function minutes(from: Date, to: Date | null): string {
  if (to === null) return 'still open';
  return `${Math.round((to.getTime() - from.getTime()) / 60_000)} min`;
}

export function incidentText(incident: IncidentSummary): string {
  const lines = [
    `${incident.id}  ${incident.scope}  ${incident.severity}  ${incident.status}`,
    `  services: ${incident.services.join(', ')}   signals: ${incident.signals.join(', ')}   alerts: ${incident.alertCount}`,
    `  started ${incident.startedAt.toISOString()}   detected ${incident.detectedAt.toISOString()}   resolved ${incident.resolvedAt?.toISOString() ?? '-'} (${minutes(incident.startedAt, incident.resolvedAt)})`,
    ...incident.changes.map(
      (change) => `  change: ${change.kind} '${change.summary}' on ${change.service} at ${change.at.toISOString()}`,
    ),
    '  probable cause:',
    ...incident.probableCause.map((hint) => `    ${hint.rank}. ${hint.reason}`),
  ];
  return lines.join('\n');
}

/** What a replay of recorded deliveries runs with: the platform (which bus) and the correlation settings. */
export interface ReplaySetup {
  readonly platform: PlatformSettings;
  readonly scopeLabels: readonly string[];
  readonly settings: CorrelationSettings;
  /** The correlation file read, if any. */
  readonly correlationFile: { readonly path: string; readonly content: string } | undefined;
}

/** Reads the environment once; `config` (a correlation file) overrides SITREP_CORRELATION_CONFIG. */
export function replaySetup(env: Env, config: string | undefined): ReplaySetup {
  const reader = new EnvReader(config === undefined ? env : { ...env, SITREP_CORRELATION_CONFIG: config });
  const platform = readPlatformSettings(reader);
  const scopeLabel = loadScopeLabel(reader);
  const settings = loadCorrelationSettings(reader, scopeLabel);
  reader.finish([]);
  // Read and checked a moment ago by loadCorrelationSettings; kept for what sweeps change in it.
  const path = (config ?? env.SITREP_CORRELATION_CONFIG)?.trim();
  const correlationFile = path ? { path, content: readFileSync(path, 'utf8') } : undefined;
  return { platform, scopeLabels: settings.scopeLabels, settings, correlationFile };
}

/**
 * `sitrep replay <file.ndjson>`: recorded deliveries through parse -> bus -> correlate, at full
 * speed, on a bus of its own that is removed afterwards (see withReplayBus).
 */
export async function replayCommand(file: string, options: ReplayCommandOptions, env: Env): Promise<string[]> {
  const { platform, settings } = replaySetup(env, options.config);
  const deliveries = parseDeliveries(readFileSync(file, 'utf8'));
  const result = await withReplayBus(platform, commandLogger(), (bus, topicPrefix) =>
    replay(deliveries, { bus, topicPrefix, settings }),
  );
  if (options.json) {
    const alerts = incidentAlerts(result.events);
    return result.incidents.map((incident) => JSON.stringify(incidentJson(incident, alerts.get(incident.id))));
  }
  return [
    ...result.incidents.map(incidentText),
    `${result.incidents.length} incident(s) from ${deliveries.length} deliveries (${result.alertRecords} alert records, ${result.changeRecords} changes)`,
  ];
}
