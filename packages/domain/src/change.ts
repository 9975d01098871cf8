import { createHash } from 'node:crypto';
import type { Labels } from './labels.js';

/** A deploy, a configuration change (such as new load-balancer weights), a flag flip. */
export interface Change {
  readonly id: string;
  readonly service: string;
  readonly kind: string;
  readonly summary: string;
  readonly at: Date;
  readonly labels: Labels;
  readonly link: string | null;
  readonly receivedAt: Date;
}

/**
 * Id for a change its sender did not name: the same change reported twice (a CI job retrying its
 * notification) gets the same id.
 */
export function changeId(service: string, kind: string, at: Date, summary: string): string {
  return createHash('sha256')
    .update(`${service}\u0000${kind}\u0000${at.toISOString()}\u0000${summary}`)
    .digest('hex')
    .slice(0, 32);
}
