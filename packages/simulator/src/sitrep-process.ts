import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@sitrep/testkit';

export interface SitrepProcess {
  readonly logFile: string;
  close(): Promise<void>;
}

const SITREP_BIN = fileURLToPath(new URL('../../cli/bin/sitrep.js', import.meta.url));

/**
 * `sitrep start` as its own process, the way a deployment runs it, ready once `/readyz` of every
 * port given answers 200. A watchdog kills it if this process dies first.
 */
export async function startSitrepProcess(
  env: Readonly<Record<string, string>>,
  readyUrls: readonly string[],
  logFile: string,
): Promise<SitrepProcess> {
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', SITREP_BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const watchdog = spawn('sh', ['-c', 'read _; kill -9 "$0" 2>/dev/null', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));

  const close = async (): Promise<void> => {
    if (exited === undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(killer);
    }
    watchdog.kill('SIGKILL');
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`sitrep ${exited}: ${readFileSync(logFile, 'utf8').slice(-3000)}`);
        const answers = await Promise.all(readyUrls.map((url) => fetch(`${url}/readyz`).then((r) => r.ok)));
        return answers.every(Boolean);
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'sitrep ready' },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { logFile, close };
}
