import { randomBytes } from 'node:crypto';

/** A topic or group name no other test uses, so tests on one broker never see each other's records. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
