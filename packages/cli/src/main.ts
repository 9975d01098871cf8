import { Command } from 'commander';
import { DeliveryFileError, SweepError, TruthFileError } from '@sitrep/alert-ingest';
import { ConfigError } from '@sitrep/config';
import { RebuildError } from '@sitrep/recorder';
import { backtestCommand } from './backtest-command.js';
import { exportCommand } from './export-command.js';
import {
  checkZone,
  incidentsCommand,
  noteCommand,
  postmortemCommand,
  reportCommand,
  timelineCommand,
} from './incident-commands.js';
import { migrateCommand } from './migrate-command.js';
import { rebuildCommand } from './rebuild-command.js';
import { redriveCommand } from './redrive-command.js';
import { CliError, recorderClient } from './recorder-client.js';
import { replayCommand } from './replay-command.js';
import { start } from './start.js';

function fail(error: unknown): never {
  if (
    error instanceof ConfigError ||
    error instanceof DeliveryFileError ||
    error instanceof TruthFileError ||
    error instanceof SweepError ||
    error instanceof CliError ||
    error instanceof RebuildError
  ) {
    process.stderr.write(`sitrep: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`sitrep: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}

async function runStart(): Promise<void> {
  const running = await start(process.env);
  let stopping = false;
  const stopThenExit = (code: number): void => {
    // In-flight requests get shutdownTimeoutMs; closing the bus and flushing traces a little more.
    const bound = running.shutdownTimeoutMs + 5_000;
    setTimeout(() => {
      process.stderr.write('sitrep: shutdown took too long, exiting\n');
      process.exit(1);
    }, bound).unref();
    running.stop().then(
      () => process.exit(code),
      (error: unknown) => fail(error),
    );
  };
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sitrep: ${signal} received, draining in-flight work...\n`);
    stopThenExit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // A service that gave up starting (its bus or store refused for good) ends the process, so an
  // orchestrator shows a failed start instead of a process that is live but never ready.
  running.started.catch((error: unknown) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sitrep: ${error instanceof Error ? error.message : String(error)}\n`);
    stopThenExit(1);
  });
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('sitrep')
    .description('Sitrep: Alertmanager alerts in, incident timelines and MTTD/MTTA/MTTR out.')
    .showHelpAfterError();
  program
    .command('start')
    .description(
      'run the pipeline: alert-ingest with its correlator, and the recorder (SITREP_SERVICES picks some); Kafka when KAFKA_BROKERS is set, else the embedded bus',
    )
    .action(() => runStart().catch(fail));
  program
    .command('replay')
    .description('correlate recorded deliveries (NDJSON) at full speed and print the incidents found')
    .argument(
      '<file>',
      'NDJSON: {"receivedAt": ..., "alertmanager": {...}} or {"receivedAt": ..., "change": {...}} per line',
    )
    .option('--json', 'one JSON object per incident per line')
    .option('--config <file>', 'correlation config (overrides SITREP_CORRELATION_CONFIG)')
    .action(async (file: string, options: { json?: boolean; config?: string }) => {
      try {
        const lines = await replayCommand(
          file,
          { json: options.json === true, ...(options.config === undefined ? {} : { config: options.config }) },
          process.env,
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      } catch (error) {
        fail(error);
      }
    });
  program
    .command('backtest')
    .description(
      'replay recorded deliveries and score the incidents against labelled truth: pairwise precision, recall and F1 over alert occurrences, split and merged incidents',
    )
    .argument('<file>', 'NDJSON of recorded deliveries, as for replay')
    .requiredOption(
      '--truth <file>',
      'JSON: {"incidents": [{"id": ..., "alerts": [{"fingerprint": ..., "startsAt": ...}]}]} (optional "shape", "unambiguous")',
    )
    .option('--config <file>', 'correlation config (overrides SITREP_CORRELATION_CONFIG)')
    .option('--sweep <key=values>', 'one replay per value of a correlation file key, e.g. windows.group=5m,10m,20m')
    .option('--json', 'one JSON object per setting per line')
    .action(
      printing((file: string, options: { truth: string; config?: string; sweep?: string; json?: boolean }) =>
        backtestCommand(
          file,
          {
            truth: options.truth,
            json: options.json === true,
            ...(options.config === undefined ? {} : { config: options.config }),
            ...(options.sweep === undefined ? {} : { sweep: options.sweep }),
          },
          process.env,
        ),
      ),
    );
  program
    .command('export')
    .description('print the recorded deliveries on the alerts and changes topics, in the replay format')
    .action(async () => {
      try {
        const lines = await exportCommand(process.env);
        if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
      } catch (error) {
        fail(error);
      }
    });
  addRecorderCommands(program);
  await program.parseAsync([...argv]);
}

/** Runs a command that prints lines; any failure exits with a one-line message. */
const printing =
  <A extends unknown[]>(run: (...args: A) => Promise<string[]>) =>
  async (...args: A): Promise<void> => {
    try {
      const lines = await run(...args);
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    } catch (error) {
      fail(error);
    }
  };

const DEFAULT_ZONE = process.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
const ENTRY_KINDS =
  'acknowledged, escalated (needs --to), note, action, misleading_path, root_cause, mitigated, resolved, closed, impact_started';

function addRecorderCommands(program: Command): void {
  const client = () => recorderClient(process.env);
  program
    .command('incidents')
    .description('list incidents, newest first (talks to the recorder API)')
    .option('--status <status>', 'open, resolving, resolved or closed')
    .option('--service <service>', 'incidents involving this service')
    .option('--severity <severity>', 'critical, warning or info')
    .option('--since <when>', 'started at or after: RFC 3339 time, date, or age such as 7d')
    .option('--until <when>', 'started before')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--tz <zone>', 'IANA time zone for times', DEFAULT_ZONE)
    .option('--json', 'one JSON object per incident per line')
    .action(
      printing((options: { tz: string; json?: boolean } & Record<string, string | undefined>) =>
        incidentsCommand(client(), { ...options, tz: checkZone(options.tz), json: options.json === true }),
      ),
    );
  program
    .command('timeline')
    .description("an incident's timeline, detection to resolution, with durations")
    .argument('<id>', 'incident id')
    .option('--tz <zone>', 'IANA time zone for times', DEFAULT_ZONE)
    .option('--json', 'one JSON object per entry per line')
    .action(
      printing((id: string, options: { tz: string; json?: boolean }) =>
        timelineCommand(client(), id, { tz: checkZone(options.tz), json: options.json === true }),
      ),
    );
  program
    .command('note')
    .description(`add an entry to an incident's timeline (kinds: ${ENTRY_KINDS})`)
    .argument('<id>', 'incident id')
    .argument('[text...]', 'what happened')
    .option('--kind <kind>', 'entry kind', 'note')
    .option('--at <time>', 'when it happened (RFC 3339); default now')
    .option('--author <name>', 'who; default user@host')
    .option('--to <whom>', 'for --kind escalated: to whom')
    .action(
      printing((id: string, words: string[], options: { kind: string; at?: string; author?: string; to?: string }) =>
        noteCommand(client(), id, words.join(' '), options),
      ),
    );
  program
    .command('postmortem')
    .description('a Markdown postmortem draft of an incident')
    .argument('<id>', 'incident id')
    .option('--tz <zone>', 'IANA time zone for every timestamp', 'UTC')
    .action(printing((id: string, options: { tz: string }) => postmortemCommand(client(), id, checkZone(options.tz))));
  program
    .command('report')
    .description('MTTD / MTTA / MTTM / MTTR (mean, median, p90) over a range')
    .option('--since <when>', 'incidents started at or after: RFC 3339 time, date, or age such as 30d', '30d')
    .option('--until <when>', 'incidents started before')
    .option('--group-by <what>', 'service, severity or none', 'none')
    .option('--json', 'the report as JSON')
    .action(
      printing((options: { since: string; until?: string; groupBy: string; json?: boolean }) =>
        reportCommand(client(), { ...options, json: options.json === true }),
      ),
    );
  program
    .command('rebuild')
    .description("rebuild the recorder's store from the incident and entry topics, into an empty database")
    .action(printing(() => rebuildCommand(process.env)));
  program
    .command('migrate')
    .description(
      "re-key the correlator's state after the alerts topic grew partitions or the dependency map changed (correlators stopped)",
    )
    .action(printing(() => migrateCommand(process.env)));
  program
    .command('redrive')
    .description('put dead letters back on the topics they came from, once what refused them is fixed')
    .option('--topic <topic>', 'only dead letters from this topic (e.g. sitrep.incidents.v1)')
    .option('--reason <reason>', 'only dead letters set aside for this reason (e.g. apply_failed)')
    .option('--dry-run', 'say what would be redriven, publish nothing')
    .action(
      printing((options: { topic?: string; reason?: string; dryRun?: boolean }) =>
        redriveCommand(
          {
            ...(options.topic === undefined ? {} : { topic: options.topic }),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
            dryRun: options.dryRun === true,
          },
          process.env,
        ),
      ),
    );
}
