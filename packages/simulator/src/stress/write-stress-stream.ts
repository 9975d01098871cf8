import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStressStream } from './stress-stream.js';

/** Where the generated week lives in the repository. */
export const STRESS_FIXTURE_DIR = fileURLToPath(new URL('../../../../test/fixtures/stress/', import.meta.url));

export const STRESS_FILES = {
  deliveries: 'week.ndjson',
  truth: 'week.truth.json',
  correlation: 'week.correlation.yml',
} as const;

/** Writes the stress week's three files into `dir`. */
export function writeStressStream(dir: string = STRESS_FIXTURE_DIR): void {
  const stream = generateStressStream();
  mkdirSync(dir, { recursive: true });
  for (const [part, name] of Object.entries(STRESS_FILES)) {
    writeFileSync(join(dir, name), stream[part as keyof typeof STRESS_FILES]);
  }
  process.stdout.write(`${JSON.stringify(stream.stats)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeStressStream(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
}
