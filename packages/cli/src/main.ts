import { Command } from 'commander';
import { DeliveryFileError } from '@sitrep/alert-ingest';
import { ConfigError } from '@sitrep/config';
import { exportCommand } from './export-command.js';
import { replayCommand } from './replay-command.js';
import { start } from './start.js';

function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof DeliveryFileError) {
    process.stderr.write(`sitrep: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`sitrep: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}

async function runStart(): Promise<void> {
  const running = await start(process.env);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sitrep: ${signal} received, draining in-flight work...\n`);
    // In-flight requests get shutdownTimeoutMs; closing the bus and flushing traces a little more.
    const bound = running.shutdownTimeoutMs + 5_000;
    setTimeout(() => {
      process.stderr.write('sitrep: shutdown took too long, exiting\n');
      process.exit(1);
    }, bound).unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('sitrep')
    .description('Sitrep: Alertmanager alerts in, incident timelines and MTTD/MTTA/MTTR out.')
    .showHelpAfterError();
  program
    .command('start')
    .description('run the pipeline (alert-ingest; Kafka when KAFKA_BROKERS is set, else the embedded bus)')
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
  await program.parseAsync([...argv]);
}
