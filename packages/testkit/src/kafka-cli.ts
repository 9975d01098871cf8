import { resolve } from 'node:path';
import { startKafkaBroker } from './kafka-broker.js';

/**
 * `npm run kafka`: the same broker the tests use, kept under SITREP_DATA_DIR/kafka so topics
 * survive restarts, on KAFKA_PORT (default 9092). Stops on Ctrl-C.
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.SITREP_DATA_DIR ?? '.sitrep', 'kafka');
  const port = Number(process.env.KAFKA_PORT ?? 9092);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`KAFKA_PORT must be a port number`);
  process.stderr.write(`starting Apache Kafka on 127.0.0.1:${port} (data in ${dataDir})...\n`);
  const broker = await startKafkaBroker({ dataDir, port });
  process.stdout.write(
    `Kafka is up. Run Sitrep against it with:\n  KAFKA_BROKERS=${broker.bootstrap} npm start\nBroker log: ${broker.logFile}\nCtrl-C stops it.\n`,
  );
  const shutdown = (): void => {
    process.stderr.write('stopping Kafka...\n');
    void broker.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
