import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Logger } from '@sitrep/telemetry';
import { STYLESHEET } from './styles.js';

/** A file served under /assets/ with a content hash in its name, cached for a year. */
export interface Asset {
  readonly path: string;
  readonly type: string;
  readonly body: Buffer;
}

export interface UiAssets {
  readonly css: Asset;
  /** Null when the browser script could not be bundled: pages still work, without live updates. */
  readonly js: Asset | null;
  readonly byPath: ReadonlyMap<string, Asset>;
}

const hashed = (name: string, extension: string, type: string, body: Buffer): Asset => ({
  path: `/assets/${name}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${extension}`,
  type,
  body,
});

/** The script's name beside the production bundle's one file (scripts/bundle.sh writes it). */
export const PREBUILT_SCRIPT = 'sitrep-ui.js';

/** The browser script's entry: compiled by tsc beside this file (or the source, under vitest). */
function clientEntry(): string | null {
  for (const name of ['client/main.js', 'client/main.ts']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * Bundles the browser script with esbuild when the server starts, so it is always built from
 * the code that runs; loading it through createRequire keeps the production bundler
 * (scripts/bundle.sh) from inlining esbuild itself. Where neither esbuild nor a prebuilt script is
 * there, the UI runs without JavaScript.
 */
async function bundleClient(logger: Logger): Promise<Asset | null> {
  // The production bundle (scripts/bundle.sh) ships the script bundled already, beside itself.
  const prebuilt = fileURLToPath(new URL(PREBUILT_SCRIPT, import.meta.url));
  if (existsSync(prebuilt)) return hashed('app', 'js', 'text/javascript; charset=utf-8', readFileSync(prebuilt));
  const entry = clientEntry();
  if (entry === null) {
    logger.warn('web UI script not found; pages are served without JavaScript');
    return null;
  }
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error('esbuild wrote nothing');
    return hashed('app', 'js', 'text/javascript; charset=utf-8', Buffer.from(output.contents));
  } catch (error) {
    logger.warn('could not bundle the web UI script; pages are served without JavaScript', { error: error as Error });
    return null;
  }
}

export async function buildAssets(logger: Logger): Promise<UiAssets> {
  const css = hashed('app', 'css', 'text/css; charset=utf-8', Buffer.from(STYLESHEET, 'utf8'));
  const js = await bundleClient(logger);
  const byPath = new Map<string, Asset>([[css.path, css]]);
  if (js) byPath.set(js.path, js);
  return { css, js, byPath };
}

/** Bytes of the script once gzipped: the budget the issue sets is 150 KB. */
export const gzippedSize = (asset: Asset): number => gzipSync(asset.body, { level: 9 }).length;
