import type { IncidentStore } from '@sitrep/store';
import type { Logger } from '@sitrep/telemetry';

/** What a subscriber hears: an incident that is new or changed since the last look. */
export interface IncidentChange {
  readonly id: string;
  readonly revision: number;
}

export interface LiveFeedOptions {
  readonly intervalMs: number;
  /** Incidents compared each look: the most recent ones, where changes happen. */
  readonly window?: number;
}

/**
 * Tells open pages what changed, by looking at the store while someone listens: it sees what
 * every recorder instance wrote (they share the store), not only this one, and costs nothing
 * when no page is open.
 */
export class LiveFeed {
  private readonly listeners = new Set<(change: IncidentChange) => void>();
  private readonly revisions = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private primed = false;
  private looking = false;

  constructor(
    private readonly store: IncidentStore,
    private readonly logger: Logger,
    private readonly options: LiveFeedOptions,
  ) {}

  subscribe(listener: (change: IncidentChange) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.look(), this.options.intervalMs);
      this.timer.unref();
      void this.look();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.primed = false;
    this.revisions.clear();
  }

  /** One look: changes against the previous look (the first only learns where things stand). */
  async look(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      const page = await this.store.listIncidents({ limit: this.options.window ?? 200 });
      const changes: IncidentChange[] = [];
      for (const row of page.incidents) {
        if (this.revisions.get(row.id) !== row.revision) {
          if (this.primed) changes.push({ id: row.id, revision: row.revision });
          this.revisions.set(row.id, row.revision);
        }
      }
      this.primed = true;
      for (const change of changes) for (const listener of this.listeners) listener(change);
    } catch (error) {
      this.logger.warn('live updates: could not read the store', { error: error as Error });
    } finally {
      this.looking = false;
    }
  }
}
