import type { EnvReader } from './env-reader.js';
import { isLoopbackHost } from './platform.js';

/** Shorter than this, a token can be guessed or brute-forced from the network. */
export const MIN_SECRET_LENGTH = 16;

/**
 * Values people leave in place: the usual placeholders, and every example in deploy/ (they all
 * start with `change-me-`, and a test holds the deploy files to that).
 */
const PLACEHOLDERS = new Set(['change-me', 'changeme', 'change_me', 'secret', 'password']);
const PLACEHOLDER_PREFIXES = ['change-me', 'changeme', 'change_me'];

/** Why a secret is too weak to expose on the network, or undefined when it is not. */
export function weakSecretReason(secret: string): string | undefined {
  const normalised = secret.trim().toLowerCase();
  if (PLACEHOLDERS.has(normalised) || PLACEHOLDER_PREFIXES.some((prefix) => normalised.startsWith(prefix))) {
    return 'is a placeholder value';
  }
  if (secret.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters`;
  return undefined;
}

/**
 * Refuses a placeholder or short secret when the service binds a non-loopback address (on
 * loopback only this machine can try it), naming the variable it came from (`NAME` or
 * `NAME_FILE`). `part` says which part of the value was checked (the password of `user:password`).
 */
export function refuseWeakSecret(
  env: EnvReader,
  name: string,
  secret: string | undefined,
  host: string,
  part = 'the value',
): void {
  if (secret === undefined || isLoopbackHost(host)) return;
  const reason = weakSecretReason(secret);
  if (reason === undefined) return;
  env.fail(
    env.sourceOf(name),
    `${part} ${reason}; refused because SITREP_HOST (${host}) is not a loopback address: ` +
      `use a random secret of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`,
  );
}
