import type { Alert } from '../alert.js';
import type { PendingListing } from './correlator-state.js';
import { FiringListing } from './firing-listing.js';

/** An occurrence a complete notification of its group no longer listed: it ended by `at`. */
export interface ListingEnd {
  readonly fingerprint: string;
  readonly startsAt: Date;
  readonly at: Date;
}

/**
 * How long the records of one notification may take to all arrive. They are published in one
 * request and follow each other on their partition; this only bounds a notification whose last
 * records never came (one was dead-lettered).
 */
export const LISTING_GRACE_MS = 60_000;

/**
 * `group NUL key`, kept as a key for as long as the group's alerts fire (one per alert under
 * `group_by: ['...']`). Joined, not concatenated: V8 keeps a concatenation as a rope holding its
 * parts, and the group id is itself a slice of its digest's text, so a concatenated id held on
 * to about 160 bytes where the one flat string join makes holds about 50.
 */
const listingId = (group: string, key: string): string => [group, key].join('\u0000');

/**
 * Alertmanager lists every alert of its group in every notification (truncatedAlerts 0), so a
 * group's notifications are snapshots: an occurrence the previous one listed as firing and the
 * latest one does not list at all has ended. Kept per group and record key: the records of one
 * key reach one partition, so a partition sees the whole of a notification's part for its keys.
 * Pure bookkeeping over the correlator's state; the correlator ends what it returns.
 */
export class GroupListings {
  constructor(
    private readonly listings: Map<string, FiringListing>,
    private readonly pending: Map<string, PendingListing>,
    trackChanges = false,
  ) {
    this.changed = trackChanges ? new Set() : null;
  }

  /** Listings rewritten or dropped since the last call, for saving the state in parts. */
  takeChanged(): string[] {
    const ids = [...(this.changed ?? [])];
    this.changed?.clear();
    return ids;
  }

  /** Null unless the correlator tracks changes. */
  private readonly changed: Set<string> | null;

  /** Before the alert is applied: notes it, and completes an older notification of its group. */
  note(alert: Alert, key: string): ListingEnd[] {
    if (alert.listing === null) return [];
    const id = listingId(alert.listing.group, key);
    let pending = this.pending.get(id);
    const ends =
      pending && pending.receivedAt.getTime() !== alert.receivedAt.getTime() ? this.complete(id, pending) : [];
    // The common notification lists one alert per key: completed after it applies, no pending kept.
    if (alert.listing.alertsWithKey === 1 && !this.pending.has(id)) return ends;
    pending = this.pending.get(id);
    if (!pending) {
      pending = { receivedAt: alert.receivedAt, expected: alert.listing.alertsWithKey, listed: new Map() };
      this.pending.set(id, pending);
    }
    pending.listed.set(alert.fingerprint, alert.status === 'firing' ? alert.startsAt : null);
    return ends;
  }

  /** After the alert is applied: completes its notification once all of its alerts arrived. */
  completeIfWhole(alert: Alert, key: string): ListingEnd[] {
    if (alert.listing === null) return [];
    const id = listingId(alert.listing.group, key);
    const pending = this.pending.get(id);
    if (!pending) {
      if (alert.listing.alertsWithKey !== 1) return [];
      return this.replace(
        id,
        new Map([[alert.fingerprint, alert.status === 'firing' ? alert.startsAt : null]]),
        alert.receivedAt,
      );
    }
    if (pending.expected === null || pending.listed.size < pending.expected) return [];
    return this.complete(id, pending);
  }

  nextDue(): Date | null {
    let next: number | null = null;
    for (const pending of this.pending.values()) {
      const due = pending.receivedAt.getTime() + LISTING_GRACE_MS;
      if (next === null || due < next) next = due;
    }
    return next === null ? null : new Date(next);
  }

  /** Completes every notification whose grace ran out by `now`. */
  due(now: Date): ListingEnd[] {
    const ends: ListingEnd[] = [];
    for (const [id, pending] of [...this.pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (pending.receivedAt.getTime() + LISTING_GRACE_MS <= now.getTime()) ends.push(...this.complete(id, pending));
    }
    return ends;
  }

  /**
   * Forgets listed occurrences that ended anyway (their resolution came, or they were replaced),
   * so a group that never sends again (an Alertmanager peer gone, a group key that changed)
   * holds no memory for long.
   */
  prune(stillFiring: (fingerprint: string, startsAt: Date) => boolean): void {
    for (const [id, listed] of this.listings) {
      const before = listed.size;
      for (const [fingerprint, startsAt] of listed) if (!stillFiring(fingerprint, startsAt)) listed.delete(fingerprint);
      if (listed.size !== before) this.changed?.add(id);
      if (listed.size === 0) this.listings.delete(id);
    }
  }

  private complete(id: string, pending: PendingListing): ListingEnd[] {
    this.pending.delete(id);
    return this.replace(id, pending.listed, pending.receivedAt);
  }

  /** The group's listing becomes what a complete notification listed; what it dropped has ended. */
  private replace(id: string, listed: ReadonlyMap<string, Date | null>, at: Date): ListingEnd[] {
    const ends: ListingEnd[] = [];
    const previous = this.listings.get(id);
    this.changed?.add(id);
    for (const [fingerprint, startsAt] of previous ?? []) {
      if (!listed.has(fingerprint)) ends.push({ fingerprint, startsAt, at });
    }
    // Reused: a group notifies again and again, and its listing is rewritten each time.
    const firing = previous ?? new FiringListing();
    firing.clear();
    for (const [fingerprint, startsAt] of listed) if (startsAt !== null) firing.set(fingerprint, startsAt);
    if (firing.size > 0) this.listings.set(id, firing);
    else this.listings.delete(id);
    return ends;
  }
}
