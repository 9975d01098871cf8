/** One caller's records, waiting to go out with others' in one produce request. */
interface Pending<M> {
  readonly messages: readonly M[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface CoalescerOptions<M> {
  /** Sends the records of several callers as one request; resolves once all are acknowledged. */
  readonly send: (messages: readonly M[]) => Promise<void>;
  /** Requests in flight at once at most; further callers wait and are coalesced meanwhile. */
  readonly maxInFlight: number;
  /**
   * Bytes of records one request takes at most (a caller larger than that goes alone): the
   * broker refuses a partition's batch over its max.message.bytes for good.
   */
  readonly maxBytes: number;
}

/**
 * Coalesces concurrent publishes of one topic into few produce requests: while requests are in
 * flight (or until the event loop turns), callers queue, and the next request carries all of
 * their records, each caller's in its order. A caller's promise settles with the request that
 * carried its records: acknowledged, it resolves; failed, it rejects with that error, and so do
 * exactly the other callers in that request. Under load, records per request grow with the
 * load instead of requests per second; when idle, a caller waits one turn of the event loop.
 */
export class ProduceCoalescer<M> {
  private readonly queue: Pending<M>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: CoalescerOptions<M>) {}

  publish(messages: readonly M[], bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, bytes, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: requests whose bodies arrived in the same turn join too.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const taken = this.take();
      this.inFlight += 1;
      const messages = taken.length === 1 ? (taken[0]?.messages ?? []) : taken.flatMap((pending) => pending.messages);
      let sent: Promise<void>;
      try {
        sent = this.options.send(messages);
      } catch (error) {
        sent = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      sent.then(
        () => {
          this.inFlight -= 1;
          for (const pending of taken) pending.resolve();
          this.schedule();
        },
        (error: unknown) => {
          this.inFlight -= 1;
          for (const pending of taken) pending.reject(error);
          this.schedule();
        },
      );
    }
  }

  /** The oldest callers whose records fit in one request together (the first always goes). */
  private take(): Pending<M>[] {
    let bytes = 0;
    let count = 0;
    for (const pending of this.queue) {
      if (count > 0 && bytes + pending.bytes > this.options.maxBytes) break;
      bytes += pending.bytes;
      count += 1;
    }
    return this.queue.splice(0, count);
  }
}
