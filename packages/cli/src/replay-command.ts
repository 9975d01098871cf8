import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmbeddedBus, KafkaBus, type Bus } from '@sitrep/bus';
import { EnvReader, readPlatformSettings, type Env } from '@sitrep/config';
import { loadCorrelationSettings, loadScopeLabel, parseDeliveries, replay } from '@sitrep/alert-ingest';
import type { IncidentSummary } from '@sitrep/domain';
import { createLogger } from '@sitrep/telemetry';

export interface ReplayCommandOptions {
  readonly json: boolean;
  /** A correlation file; overrides SITREP_CORRELATION_CONFIG. */
  readonly config?: string;
}

/** An incident as `sitrep replay --json` prints it: one object per line. */
export function incidentJson(incident: IncidentSummary) {
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

/**
 * `sitrep replay <file.ndjson>`: recorded deliveries through parse -> bus -> correlate, at full
 * speed. The embedded bus in a temporary folder unless KAFKA_BROKERS is set (then topics with
 * a fresh prefix on that cluster, left behind for inspection).
 */
export async function replayCommand(file: string, options: ReplayCommandOptions, env: Env): Promise<string[]> {
  const reader = new EnvReader(
    options.config === undefined ? env : { ...env, SITREP_CORRELATION_CONFIG: options.config },
  );
  const platform = readPlatformSettings(reader);
  const scopeLabel = loadScopeLabel(reader);
  const settings = loadCorrelationSettings(reader, scopeLabel);
  reader.finish([]);
  const deliveries = parseDeliveries(readFileSync(file, 'utf8'));
  const logger = createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });

  let bus: Bus;
  let cleanup = (): void => undefined;
  let topicPrefix: string;
  if (platform.kafkaBrokers.length > 0) {
    topicPrefix = `sitrep-replay-${randomBytes(4).toString('hex')}.`;
    bus = new KafkaBus({
      brokers: platform.kafkaBrokers,
      clientId: 'sitrep-replay',
      publishTimeoutMs: platform.publishTimeoutMs,
      logger,
    });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-replay-'));
    topicPrefix = 'sitrep.';
    bus = new EmbeddedBus({ path: join(dir, 'bus.sqlite'), logger });
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    const result = await replay(deliveries, { bus, topicPrefix, settings });
    if (options.json) return result.incidents.map((incident) => JSON.stringify(incidentJson(incident)));
    return [
      ...result.incidents.map(incidentText),
      `${result.incidents.length} incident(s) from ${deliveries.length} deliveries (${result.alertRecords} alert records, ${result.changeRecords} changes)`,
    ];
  } finally {
    await bus.close();
    cleanup();
  }
}
