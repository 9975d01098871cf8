import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Kafka release the tests and `npm run kafka` run. See README "Kafka" for why 4.x. */
export const KAFKA_VERSION = '4.1.1';

export function sitrepCacheDir(): string {
  return process.env.SITREP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sitrep');
}

const POM = fileURLToPath(new URL('../kafka/pom.xml', import.meta.url));
const TOOLS_POM = fileURLToPath(new URL('../kafka-tools/pom.xml', import.meta.url));

/**
 * The broker's jars, fetched once from Maven Central with `mvn dependency:copy-dependencies` and
 * cached outside the repository. Downloads go to a temporary folder renamed into place, so a
 * half-finished download (or two concurrent ones) never leaves a broken cache.
 */
export function ensureKafkaJars(version: string = KAFKA_VERSION): Promise<string> {
  return ensureJars(POM, join(sitrepCacheDir(), 'kafka', version), 'libs', version);
}

/**
 * Kafka's tools (org.apache.kafka:kafka-tools: ProducerPerformance and friends) of the broker's
 * version and their dependencies, fetched and cached like the broker's jars, in their own folder.
 */
export function ensureKafkaToolsJars(version: string = KAFKA_VERSION): Promise<string> {
  return ensureJars(TOOLS_POM, join(sitrepCacheDir(), 'kafka', version), 'tools-libs', version);
}

async function ensureJars(pom: string, root: string, folder: string, version: string): Promise<string> {
  const libs = join(root, folder);
  if (existsSync(join(libs, '.complete'))) return libs;
  mkdirSync(root, { recursive: true });
  const staging = join(root, `${folder}.${process.pid}.${Date.now()}`);
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        pom,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-Dkafka.version=${version}`,
        `-DoutputDirectory=${staging}`,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    writeFileSync(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    if (existsSync(join(libs, '.complete'))) return libs;
    rmSync(libs, { recursive: true, force: true });
    renameSync(staging, libs);
    return libs;
  } catch (error) {
    const detail = (error as { stdout?: string; stderr?: string }).stdout ?? '';
    throw new Error(
      `could not fetch Kafka ${version} with mvn (is Maven installed?): ${(error as Error).message}\n${detail}`,
      {
        cause: error,
      },
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
