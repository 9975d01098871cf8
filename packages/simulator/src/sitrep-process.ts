import { fileURLToPath } from 'node:url';
import { startProcess } from '@sitrep/testkit';

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
  const sitrep = await startProcess({
    name: 'sitrep start',
    command: process.execPath,
    args: ['--disable-warning=ExperimentalWarning', SITREP_BIN, 'start'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    logFile,
    ready: async () => {
      const answers = await Promise.all(readyUrls.map((url) => fetch(`${url}/readyz`).then((r) => r.ok)));
      return answers.every(Boolean);
    },
    readyTimeoutMs: 60_000,
    readyIntervalMs: 200,
  });
  return { logFile, close: () => sitrep.stop() };
}
