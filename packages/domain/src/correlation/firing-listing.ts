/**
 * The firing occurrences one group's latest complete notification listed, fingerprint to
 * startsAt, in insertion order, as a Map would hold them. Most groups list a single alert (with
 * Alertmanager's `group_by: ['...']` every alert is its own group), and the correlator keeps one
 * listing per group for as long as its alerts fire: a Map costs about 180 bytes even for one
 * entry, so the first entry is held inline and a Map is made only for a second. Serialises
 * (toJSON) as a Map's entries would be, so snapshots and state parts read the same either way.
 */
export class FiringListing implements Iterable<[string, Date]> {
  private fingerprint: string | null = null;
  private startsAt: Date | null = null;
  private many: Map<string, Date> | null = null;

  static of(entries: Iterable<readonly [string, Date]>): FiringListing {
    const listing = new FiringListing();
    for (const [fingerprint, startsAt] of entries) listing.set(fingerprint, startsAt);
    return listing;
  }

  get size(): number {
    if (this.many) return this.many.size;
    return this.fingerprint === null ? 0 : 1;
  }

  has(fingerprint: string): boolean {
    return this.many ? this.many.has(fingerprint) : this.fingerprint === fingerprint;
  }

  set(fingerprint: string, startsAt: Date): void {
    if (this.many) {
      this.many.set(fingerprint, startsAt);
    } else if (this.fingerprint === null || this.fingerprint === fingerprint) {
      this.fingerprint = fingerprint;
      this.startsAt = startsAt;
    } else {
      this.many = new Map([[this.fingerprint, this.startsAt as Date]]);
      this.many.set(fingerprint, startsAt);
      this.fingerprint = null;
      this.startsAt = null;
    }
  }

  delete(fingerprint: string): boolean {
    if (this.many) return this.many.delete(fingerprint);
    if (this.fingerprint !== fingerprint) return false;
    this.clear();
    return true;
  }

  clear(): void {
    this.fingerprint = null;
    this.startsAt = null;
    this.many = null;
  }

  /** A copy of the entries: deleting while iterating (pruning) is safe. */
  entries(): [string, Date][] {
    if (this.many) return [...this.many.entries()];
    return this.fingerprint === null ? [] : [[this.fingerprint, this.startsAt as Date]];
  }

  [Symbol.iterator](): Iterator<[string, Date]> {
    return this.entries()[Symbol.iterator]();
  }

  toJSON(): [string, Date][] {
    return this.entries();
  }
}
