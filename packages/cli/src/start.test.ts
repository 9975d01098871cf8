import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const program = fileURLToPath(new URL('../bin/sitrep.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sitrep-start-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `sitrep start` with only `env` (and PATH), to its exit. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', program, 'start'],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

describe('sitrep start', () => {
  it('exits 1 naming the service and the reason when its bus refuses to start for good', async () => {
    // The embedded bus cannot open its file under a data dir that is a file: no retry fixes that.
    const notAFolder = join(dir, 'data');
    writeFileSync(notAFolder, '');
    const { code, stderr } = await runStart({
      SITREP_SERVICES: 'ingest',
      SITREP_DATA_DIR: notAFolder,
      SITREP_INGEST_BEARER_TOKEN: 'start-test-token',
      SITREP_INGEST_PORT: '0',
      SITREP_LOG_LEVEL: 'error',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`sitrep: alert-ingest could not start: cannot open ${join(notAFolder, 'bus.sqlite')}`);
  });
});
