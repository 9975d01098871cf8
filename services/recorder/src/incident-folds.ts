import type { HumanEntry, IncidentFold } from '@sitrep/domain';
import type { IncidentRow } from '@sitrep/store';

/** An incident as the recorder last wrote it: its row, and the fold and entries the row was made from. */
export interface CachedIncident {
  readonly row: IncidentRow;
  readonly fold: IncidentFold;
  readonly humans: readonly HumanEntry[];
  /** The latest recordedAt of any of its entries (epoch ms; -Infinity without any). */
  readonly latestEntryAt: number;
}

/**
 * The folds of the incidents written last, so that applying an event does not re-read and
 * re-parse every earlier event of its incident. A fold is used only while the stored row still
 * has the revision it was written with: every write bumps the revision, so any other writer (the
 * API adding an entry, another instance during a rebalance) makes it stale, and it is rebuilt from
 * the store. Bounded: the least recently used incident is dropped first.
 */
export class IncidentFolds {
  private readonly cached = new Map<string, CachedIncident>();

  constructor(private readonly capacity: number) {}

  /** The incident's fold if `stored` (the row as read now) is the row it was made for. */
  get(id: string, stored: IncidentRow | null): CachedIncident | undefined {
    const cached = this.cached.get(id);
    if (cached === undefined) return undefined;
    this.cached.delete(id);
    if (stored === null || stored.revision !== cached.row.revision) return undefined;
    this.cached.set(id, cached);
    return cached;
  }

  has(id: string): boolean {
    return this.cached.has(id);
  }

  set(id: string, incident: CachedIncident): void {
    this.cached.delete(id);
    this.cached.set(id, incident);
    if (this.cached.size > this.capacity) {
      const oldest = this.cached.keys().next();
      if (oldest.done !== true) this.cached.delete(oldest.value);
    }
  }

  delete(id: string): void {
    this.cached.delete(id);
  }

  clear(): void {
    this.cached.clear();
  }

  get size(): number {
    return this.cached.size;
  }
}
