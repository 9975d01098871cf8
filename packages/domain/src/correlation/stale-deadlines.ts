import type { AlertSlot, IncidentState } from './correlator-state.js';
import { MinHeap } from './min-heap.js';

/**
 * When an occurrence goes stale (its lastSeenAt plus the stale window); checked against the state
 * when due. One per firing alert, so kept small: the occurrence's own startsAt Date rather than
 * a copy of its time, and no lastSeenAt (the due time less the window is it).
 */
interface StaleDeadline {
  readonly due: number;
  readonly fingerprint: string;
  readonly startsAt: Date;
}

/** An occurrence whose stale window ran out: no notification listed it since `slot.lastSeenAt`. */
export interface StaleOccurrence {
  readonly incident: IncidentState;
  readonly slot: AlertSlot;
  readonly due: Date;
}

/**
 * When each firing occurrence goes stale (its resolution lost: no notification listed it for
 * `staleAfterMs`). A min-heap with lazy deletion: seeing an occurrence again pushes a new
 * deadline, and an entry is checked against the state when it reaches the top. Derived from the
 * state (never stored): rebuilt from the firing slots after a restore.
 */
export class StaleDeadlines {
  private readonly heap = new MinHeap<StaleDeadline>();

  constructor(
    private readonly staleAfterMs: number,
    /** The incident holding a fingerprint's latest occurrence. */
    private readonly incidentOf: (fingerprint: string) => IncidentState | undefined,
  ) {}

  /** A slot attached, or seen firing again: staleness counts from its lastSeenAt. */
  watch(slot: AlertSlot): void {
    this.heap.push({
      due: slot.lastSeenAt.getTime() + this.staleAfterMs,
      fingerprint: slot.alert.fingerprint,
      startsAt: slot.alert.startsAt,
    });
  }

  next(): Date | null {
    for (let top = this.heap.peek(); top !== undefined; top = this.heap.peek()) {
      if (this.current(top)) return new Date(top.due);
      this.heap.pop();
    }
    return null;
  }

  /** Every occurrence whose window ran out by `now`, earliest first. */
  due(now: Date): StaleOccurrence[] {
    const stale: StaleOccurrence[] = [];
    for (let top = this.heap.peek(); top !== undefined && top.due <= now.getTime(); top = this.heap.peek()) {
      this.heap.pop();
      const found = this.current(top);
      if (found) stale.push({ ...found, due: new Date(top.due) });
    }
    // Ties by fingerprint: the heap's order among equal deadlines follows insertion, which a
    // restored or rebuilt heap does not share, and the order decides the events' sequence numbers.
    return stale.sort(
      (a, b) =>
        a.due.getTime() - b.due.getTime() ||
        (a.slot.alert.fingerprint < b.slot.alert.fingerprint
          ? -1
          : a.slot.alert.fingerprint > b.slot.alert.fingerprint
            ? 1
            : 0),
    );
  }

  /** Rebuilds from the firing slots: after a restore, and when stale entries pile up. */
  rebuild(incidents: Iterable<IncidentState>): void {
    const slots: AlertSlot[] = [];
    for (const incident of incidents)
      for (const slot of incident.alerts.values()) if (slot.endsAt === null) slots.push(slot);
    this.heap.reset([]);
    for (const slot of slots) this.watch(slot);
  }

  /** Entries of occurrences seen again or ended pile up: worth a rebuild past twice the firing ones. */
  crowded(firing: number): boolean {
    return this.heap.size > 2 * firing + 1024;
  }

  /** The occurrence a deadline is for, if it is still firing and was not seen since. */
  private current(deadline: StaleDeadline): { incident: IncidentState; slot: AlertSlot } | undefined {
    const incident = this.incidentOf(deadline.fingerprint);
    const slot = incident?.alerts.get(deadline.fingerprint);
    if (!incident || slot?.endsAt !== null) return undefined;
    if (
      slot.alert.startsAt.getTime() !== deadline.startsAt.getTime() ||
      slot.lastSeenAt.getTime() + this.staleAfterMs !== deadline.due
    ) {
      return undefined;
    }
    return { incident, slot };
  }
}
