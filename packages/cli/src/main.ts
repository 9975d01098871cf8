import { Command } from 'commander';
import { ConfigError } from '@sitrep/config';
import { start } from './start.js';

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
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
  await program.parseAsync([...argv]);
}
