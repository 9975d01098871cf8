import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  BatchPosition,
  Bus,
  BusReadiness,
  ConsumedPosition,
  IncomingMessage,
  OutgoingMessageTo,
  SubscribeOptions,
  Subscription,
  TopicSpec,
  TopicWrite,
  TransactionalWriter,
} from '../bus.js';
import { EmbeddedBus, type EmbeddedBusOptions } from '../embedded-bus.js';

/** How long a fault lasts: the next `times` calls it catches, or (left out) until released. */
export interface FaultOptions {
  readonly times?: number;
}

export interface TopicFaultOptions extends FaultOptions {
  /** Only calls on this topic; every topic when left out. */
  readonly topic?: string;
}

/** One injected fault. */
export interface Fault {
  /** Calls it has caught so far. */
  readonly hits: number;
  /** Calls it holds right now (a hung publish, a gated batch). */
  readonly held: number;
  /** Ends it: held calls go on to the real bus, later calls are no longer caught. */
  release(): void;
}

export interface PublishCall {
  readonly topic: string;
  readonly messages: readonly OutgoingMessageTo[];
}

type Operation = 'start' | 'publish' | 'deliver' | 'readiness';
type Effect =
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'hold' }
  | { readonly kind: 'not_ready'; readonly detail: string };

class InjectedFault implements Fault {
  hits = 0;
  private released = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    readonly operation: Operation,
    readonly effect: Effect,
    private readonly options: TopicFaultOptions,
  ) {}

  get held(): number {
    return this.waiting.size;
  }

  /** Whether it catches this call (counted as a hit when it does). */
  catches(operation: Operation, topic: string | undefined): boolean {
    if (this.released || operation !== this.operation) return false;
    if (this.options.topic !== undefined && topic !== this.options.topic) return false;
    if (this.options.times !== undefined && this.hits >= this.options.times) return false;
    this.hits += 1;
    return true;
  }

  /** Resolves on release; rejects if `signal` aborts first (the subscription closed meanwhile). */
  hold(signal?: AbortSignal): Promise<void> {
    if (this.released) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.waiting.delete(done);
        resolve();
      };
      this.waiting.add(done);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiting.delete(done);
          reject(new Error('the subscription closed while its delivery was gated'));
        },
        { once: true },
      );
    });
  }

  release(): void {
    this.released = true;
    for (const done of [...this.waiting]) done();
  }
}

/**
 * The Bus port's fault-injecting twin, for unit tests of the services: a real bus (the
 * EmbeddedBus) underneath, so what is not faulted behaves as it does in production, and faults
 * on top, per topic, for the next N calls or until released: a publish that fails with a given
 * error or hangs, a batch held back from its subscriber, a start that fails, readiness that says
 * no. It records every publish call, faulted or not, and every start.
 */
export class FaultyBus implements Bus {
  readonly kind: Bus['kind'];
  /** Every publish call, in order, including the ones that failed or hang. */
  readonly publishes: PublishCall[] = [];
  /** The topics of every start call, in order, including the ones that failed. */
  readonly starts: (readonly TopicSpec[])[] = [];
  private readonly faults: InjectedFault[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: Bus,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.kind = inner.kind;
  }

  /** Publishes fail with `error` (a BusError, retriable or not, or any error). */
  failPublish(error: Error, options: TopicFaultOptions = {}): Fault {
    return this.inject('publish', { kind: 'fail', error }, options);
  }

  /** Publishes wait until released, then go to the real bus. */
  hangPublish(options: TopicFaultOptions = {}): Fault {
    return this.inject('publish', { kind: 'hold' }, options);
  }

  /** Batches (and single messages) of the topic wait before their handler until released. */
  gateDelivery(options: TopicFaultOptions = {}): Fault {
    return this.inject('deliver', { kind: 'hold' }, options);
  }

  /** start() rejects with `error`. */
  failStart(error: Error, options: FaultOptions = {}): Fault {
    return this.inject('start', { kind: 'fail', error }, options);
  }

  /** readiness() says not ready, with `detail`. */
  failReadiness(detail: string, options: FaultOptions = {}): Fault {
    return this.inject('readiness', { kind: 'not_ready', detail }, options);
  }

  /** Ends every fault, letting whatever they hold go on. */
  releaseAll(): void {
    for (const fault of this.faults) fault.release();
  }

  private inject(operation: Operation, effect: Effect, options: TopicFaultOptions): Fault {
    const fault = new InjectedFault(operation, effect, options);
    this.faults.push(fault);
    return fault;
  }

  /** The first fault, in the order they were injected, that catches this call. */
  private caughtBy(operation: Operation, topic?: string): InjectedFault | undefined {
    return this.faults.find((fault) => fault.catches(operation, topic));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  async start(topics: readonly TopicSpec[]): Promise<void> {
    this.starts.push([...topics]);
    const fault = this.caughtBy('start');
    if (fault?.effect.kind === 'fail') throw fault.effect.error;
    await this.inner.start(topics);
  }

  publish(topic: string, messages: readonly OutgoingMessageTo[]): Promise<void> {
    this.publishes.push({ topic, messages: [...messages] });
    const fault = this.caughtBy('publish', topic);
    if (fault?.effect.kind === 'fail') return Promise.reject(fault.effect.error);
    if (fault?.effect.kind === 'hold') {
      return this.track(fault.hold().then(() => this.inner.publish(topic, messages)));
    }
    return this.inner.publish(topic, messages);
  }

  readAll(topic: string): Promise<IncomingMessage[]> {
    return this.inner.readAll(topic);
  }

  readPartition(topic: string, partition: number): Promise<IncomingMessage[]> {
    return this.inner.readPartition(topic, partition);
  }

  /** A commit is caught by the publish faults of the topics it writes, as each of its writes is a publish. */
  async transactionalWriter(id: string): Promise<TransactionalWriter> {
    const inner = await this.inner.transactionalWriter(id);
    return {
      id,
      close: () => inner.close(),
      commit: (writes: readonly TopicWrite[], position?: ConsumedPosition) => {
        let held: InjectedFault | undefined;
        for (const write of writes) {
          this.publishes.push({ topic: write.topic, messages: [...write.messages] });
          const fault = this.caughtBy('publish', write.topic);
          if (fault?.effect.kind === 'fail') return Promise.reject(fault.effect.error);
          if (fault?.effect.kind === 'hold') held ??= fault;
        }
        if (held) return this.track(held.hold().then(() => inner.commit(writes, position)));
        return inner.commit(writes, position);
      },
    };
  }

  earliestOffset(topic: string, partition: number): Promise<bigint> {
    return this.inner.earliestOffset(topic, partition);
  }

  partitionCount(topic: string): Promise<number> {
    return this.inner.partitionCount(topic);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const closed = new AbortController();
    const gate = async (messages: readonly IncomingMessage[]): Promise<void> => {
      const fault = this.caughtBy('deliver', messages[0]?.topic);
      // Rejecting leaves the batch uncommitted, as a consumer stopped mid-batch does.
      if (fault?.effect.kind === 'hold') await fault.hold(closed.signal);
    };
    const { eachBatch, eachMessage } = options;
    const subscription = await this.inner.subscribe({
      ...options,
      ...(eachBatch === undefined
        ? {}
        : {
            eachBatch: async (messages: readonly IncomingMessage[], position: BatchPosition) => {
              await gate(messages);
              await eachBatch(messages, position);
            },
          }),
      ...(eachMessage === undefined
        ? {}
        : {
            eachMessage: async (message: IncomingMessage) => {
              await gate([message]);
              await eachMessage(message);
            },
          }),
    });
    return {
      close: async () => {
        closed.abort();
        await subscription.close();
      },
    };
  }

  async readiness(): Promise<BusReadiness> {
    const fault = this.caughtBy('readiness');
    if (fault?.effect.kind === 'not_ready') return { ready: false, detail: fault.effect.detail };
    return this.inner.readiness();
  }

  /** Releases every fault, waits for the publishes they held, then closes the real bus. */
  async close(): Promise<void> {
    this.releaseAll();
    await Promise.allSettled([...this.inFlight]);
    await this.inner.close();
    this.onClose();
  }
}

/**
 * A FaultyBus over a real EmbeddedBus at `dir`/bus.sqlite; without `dir`, in a fresh temporary
 * folder that close() removes.
 */
export function faultyEmbeddedBus(options: Omit<EmbeddedBusOptions, 'path'> & { readonly dir?: string }): FaultyBus {
  const { dir, ...busOptions } = options;
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'sitrep-faulty-bus-'));
  const inner = new EmbeddedBus({ ...busOptions, path: join(folder, 'bus.sqlite') });
  return new FaultyBus(inner, () => {
    if (dir === undefined) rmSync(folder, { recursive: true, force: true });
  });
}
