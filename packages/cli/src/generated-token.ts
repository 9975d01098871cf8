import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The receiver credential Alertmanager uses. */
export const INGEST_TOKEN_FILE = 'ingest-token';
/** The recorder API's read-write token, which the CLI's incident commands use. */
export const API_TOKEN_FILE = 'api-token';

/**
 * With no credential configured, `sitrep start` still refuses anonymous requests: it makes a
 * random token once, keeps it (mode 0600) under the data dir, and reuses it on later starts so
 * an Alertmanager or a terminal configured with it keeps working.
 */
export function readOrCreateToken(dataDir: string, file: string): string {
  const existing = readToken(dataDir, file);
  if (existing !== undefined) return existing;
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  const path = join(dataDir, file);
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}

export function readToken(dataDir: string, file: string): string | undefined {
  const path = join(dataDir, file);
  if (!existsSync(path)) return undefined;
  const token = readFileSync(path, 'utf8').trim();
  return token === '' ? undefined : token;
}
