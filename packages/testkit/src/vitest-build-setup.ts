import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup, first in every project: `tsc -b` before any test runs. Workspace packages
 * resolve through node_modules to their built dist/, so without it a test run right after an
 * edit in a dependency's src would quietly test the previous build. Incremental: about a quarter
 * of a second when nothing changed.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The lock every build on this machine takes, so two runs never write the same dist/ at once. */
const BUILD_LOCK = '/tmp/sitrep-build.lock';
// One build per vitest process even though every project lists this setup (they share globalThis).
const BUILT = Symbol.for('sitrep.vitest-build-setup');
type Shared = typeof globalThis & { [BUILT]?: Promise<void> };

function buildCommand(): [string, string[]] {
  const tsc = [process.execPath, createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-b'];
  // flock(1) is util-linux; where it is missing (macOS) the build runs unserialised.
  const flock = spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
  const [command, ...args] = flock ? ['flock', BUILD_LOCK, ...tsc] : tsc;
  return [command ?? process.execPath, args];
}

function buildWorkspace(): Promise<void> {
  const [command, args] = buildCommand();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (code === 0) done();
      else
        fail(new Error(`tsc -b failed (${signal ?? `exit ${code ?? '?'}`}): not running tests against a stale build`));
    });
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const shared = globalThis as Shared;
  if (shared[BUILT] === undefined) {
    // Watch mode reruns tests without calling setup again: build what changed before each rerun.
    project.onTestsRerun(async () => {
      shared[BUILT] = buildWorkspace();
      await shared[BUILT];
    });
    shared[BUILT] = buildWorkspace();
  }
  await shared[BUILT];
}
