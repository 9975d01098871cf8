import { DateTime, IANAZone } from 'luxon';
import { describeSignal } from '../correlation/signal.js';
import type { IncidentRecord } from './incident-record.js';
import type { TimelineEntry } from './entries.js';

export interface PostmortemOptions {
  /** IANA zone every timestamp is rendered in and labelled with; default UTC. */
  readonly zone?: string;
}

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** `4m 30s`, `1h 05m`, `2d 03h`; an em dash for a phase that has not happened. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

const percent = (share: number): string => `${(share * 100).toFixed(1).replace(/\.0$/, '')}%`;
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Timestamps carry their offset (`UTC+1`, `UTC-4`), not only the zone's name: across a DST change
 * the same zone has two offsets, and a reader comparing times must see which one applies.
 */
function stamp(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd HH:mm:ss 'UTC'ZZ");
}

/** Timeline times: the date only when it changes from the previous entry (a 3 AM reader scans times). */
function timelineStamps(entries: readonly TimelineEntry[], zone: string): string[] {
  let day = '';
  return entries.map((entry) => {
    const local = DateTime.fromJSDate(entry.at, { zone });
    const date = local.toFormat('yyyy-MM-dd');
    const time = local.toFormat("HH:mm:ss 'UTC'ZZ");
    if (date === day) return time;
    day = date;
    return `${date} ${time}`;
  });
}

/** Why the impact start is earlier than the first alert, or whose it is; nothing when it is the alert's startsAt. */
function impactStartNote({ impactStart }: IncidentRecord): string {
  const alertname = impactStart.alert?.alertname ?? 'the first alert';
  switch (impactStart.source) {
    case 'alert_startsAt':
      return '';
    case 'person':
      return ' (recorded by a person)';
    case 'prometheus_active':
      return ` (when ${alertname}'s condition began: Prometheus listed the alert pending)`;
    case 'prometheus_rule':
      return ` (when ${alertname}'s condition began: its start less its rule's for: in Prometheus)`;
    case 'correlation_file':
      return ` (when ${alertname}'s condition began: its start less its alert_for in the correlation file)`;
  }
}

function issueSummary(record: IncidentRecord, zone: string): string[] {
  const { summary, moments, durations, impact, status } = record;
  const top = summary.probableCause[0];
  const end =
    moments.resolvedAt === null
      ? 'ongoing (open)'
      : `${stamp(moments.resolvedAt, zone)}${status === 'closed' ? ' (closed)' : ''}`;
  const lines = [
    `- **Start of impact:** ${stamp(moments.startedAt, zone)}${impactStartNote(record)}`,
    `- **Detected:** ${stamp(moments.detectedAt, zone)}`,
    `- **End:** ${end}`,
    `- **Duration:** ${humanDuration(durations.duration)}${moments.resolvedAt === null ? ' so far' : ''}`,
    `- **Severity:** ${summary.severity}`,
    `- **Services:** ${summary.services.join(', ')}`,
    `- **Signals:** ${summary.signals.map(describeSignal).join(', ') || 'none classified'}`,
  ];
  if (impact.affected) {
    lines.push(
      `- **Impact:** about ${percent(impact.affected.share)} of ${impact.affected.of} affected over the incident`,
    );
  }
  for (const signal of impact.signals) {
    const ratio = signal.signal === 'error_rate' && signal.peak <= 1;
    const value = (v: number) => (ratio ? percent(v) : String(Number(v.toPrecision(4))));
    lines.push(
      `  - ${describeSignal(signal.signal)}: peak ${value(signal.peak)}, mean ${value(signal.mean)} (${signal.alerts} alert${signal.alerts === 1 ? '' : 's'})`,
    );
  }
  lines.push(`- **Probable cause:** ${top ? oneLine(top.reason) : 'not determined from the alerts'}`);
  for (const hint of summary.probableCause.slice(1)) lines.push(`  - also considered: ${oneLine(hint.reason)}`);
  lines.push(
    `- **Time to detect / acknowledge / mitigate / resolve:** ${[
      durations.timeToDetect,
      durations.timeToAcknowledge,
      durations.timeToMitigate,
      durations.timeToResolve,
    ]
      .map(humanDuration)
      .join(' / ')}`,
  );
  return lines;
}

function timeline(record: IncidentRecord, zone: string): string[] {
  const stamps = timelineStamps(record.timeline, zone);
  return record.timeline.map((entry, index) => {
    const who = entry.author === null ? '' : ` — ${oneLine(entry.author)}`;
    const text = oneLine(entry.text) || entry.kind.replace(/_/g, ' ');
    return `- **${stamps[index] ?? ''}** [${entry.source}: ${entry.kind}] ${text}${who}`;
  });
}

function rootCauseAndResolution(record: IncidentRecord, zone: string): string[] {
  const people = (kind: TimelineEntry['kind']) =>
    record.timeline.filter((entry) => entry.source === 'person' && entry.kind === kind && oneLine(entry.text) !== '');
  const lines: string[] = ['### Root cause', ''];
  const causes = people('root_cause');
  if (causes.length > 0) for (const entry of causes) lines.push(`- ${oneLine(entry.text)}`);
  else
    lines.push(
      '_Explain what broke and why, in terms a reader outside the team follows. Ranked by Sitrep from the alerts:_',
    );
  for (const hint of record.summary.probableCause) lines.push(`- (Sitrep, rank ${hint.rank}) ${oneLine(hint.reason)}`);
  for (const change of record.summary.changes) {
    lines.push(
      `- Change at ${stamp(change.at, zone)} on ${change.service}: ${oneLine(change.summary)}${change.link ? ` (${change.link})` : ''}`,
    );
  }
  lines.push('', '### Resolution', '');
  const misleading = people('misleading_path');
  const resolution = [...people('action'), ...people('mitigated'), ...people('resolved')].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  if (resolution.length > 0)
    for (const entry of resolution) lines.push(`- ${stamp(entry.at, zone)}: ${oneLine(entry.text)}`);
  else lines.push('_Describe what was done to mitigate and resolve, and how recovery was confirmed._');
  if (misleading.length > 0) {
    lines.push('', 'Paths that turned out misleading:');
    for (const entry of misleading) lines.push(`- ${oneLine(entry.text)}`);
  }
  return lines;
}

/**
 * A postmortem draft in the shape of the team's reports (Issue Summary, Timeline, Root Cause and
 * Resolution, Corrective and Preventative Measures), filled with what Sitrep recorded; what only
 * people can write is left as headed prompts. Deterministic: same record and zone, same text.
 */
export function renderPostmortem(record: IncidentRecord, options: PostmortemOptions = {}): string {
  const zone = options.zone ?? 'UTC';
  if (!isValidTimeZone(zone)) throw new RangeError(`not an IANA time zone: ${zone}`);
  const { summary } = record;
  // What users saw and where; the cause is a finding, stated in the summary, not the headline.
  const signals = summary.signals.filter((signal) => signal !== 'other').map(describeSignal);
  const title = `${signals.length > 0 ? signals.join(', ') : 'alerts'} on ${summary.services.join(', ')}`;
  return [
    `# Postmortem draft: ${title}`,
    '',
    `Incident \`${summary.id}\` · status ${record.status} · all times in ${zone}`,
    '',
    '## Issue Summary',
    '',
    ...issueSummary(record, zone),
    '',
    '## Timeline',
    '',
    ...timeline(record, zone),
    '',
    '## Root Cause and Resolution',
    '',
    ...rootCauseAndResolution(record, zone),
    '',
    '## Corrective and Preventative Measures',
    '',
    '_What will stop this from happening again, or catch it sooner? One item per line, each with an owner and a due date._',
    '',
    '- [ ] ',
    '',
  ].join('\n');
}
