import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'ingest-token';

/**
 * With no receiver credential configured, `sitrep start` still refuses anonymous webhooks: it
 * makes a random token once, keeps it (mode 0600) under the data dir, and reuses it on later
 * starts so an Alertmanager configured with it keeps working.
 */
export function readOrCreateToken(dataDir: string): string {
  const path = join(dataDir, TOKEN_FILE);
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token !== '') return token;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}
