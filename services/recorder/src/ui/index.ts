import { listen, type ServerLimits } from '@sitrep/http';
import type { Logger } from '@sitrep/telemetry';
import { buildAssets, gzippedSize } from './assets.js';
import { createUiApp, type UiAppDeps } from './app.js';
import { LiveFeed } from './live-feed.js';

export { createUiApp, UI_CONTENT_SECURITY_POLICY } from './app.js';
export type { UiApp, UiAppDeps } from './app.js';
export { buildAssets, gzippedSize } from './assets.js';

export interface RunningUi {
  readonly url: string;
  close(timeoutMs: number): Promise<void>;
}

/** How often open pages' live updates look at the store. */
export const LIVE_INTERVAL_MS = 2_000;

export async function startUi(
  deps: Omit<UiAppDeps, 'feed'>,
  host: string,
  limits: Partial<ServerLimits>,
  logger: Logger,
): Promise<RunningUi> {
  const assets = await buildAssets(logger);
  const feed = new LiveFeed(deps.store, logger, { intervalMs: LIVE_INTERVAL_MS });
  const ui = createUiApp({ ...deps, feed }, assets, logger);
  const server = await listen(ui.app, host, deps.ui.port, limits).catch((error: unknown) => {
    // Several recorders on one machine (tests, a second `sitrep start`) each still get a UI.
    if (!deps.ui.portIsDefault || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.warn('the web UI port is taken; using any free port (set SITREP_UI_PORT to choose one)', {
      port: deps.ui.port,
    });
    return listen(ui.app, host, 0, limits);
  });
  logger.info('web UI listening', {
    url: server.url,
    scriptBytesGzipped: assets.js ? gzippedSize(assets.js) : 0,
    hint: 'log in with the API token (SITREP_API_TOKEN, or the generated one in the data directory)',
  });
  return {
    url: server.url,
    close: async (timeoutMs) => {
      ui.endStreams();
      await server.close(timeoutMs);
    },
  };
}
