import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../bus.js';
import { BusError } from '../bus-error.js';
import type { EmbeddedBusOptions } from '../embedded-bus.js';
import { faultyEmbeddedBus, type FaultyBus } from './faulty-bus.js';
import { waitFor } from '@sitrep/testkit';

const silent: EmbeddedBusOptions['logger'] = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

const TOPICS = [
  { name: 'alerts', partitions: 1, replicationFactor: 1 },
  { name: 'changes', partitions: 1, replicationFactor: 1 },
];
const message = (value: string) => ({ key: 'k', value });
const values = (messages: readonly IncomingMessage[]) => messages.map((incoming) => incoming.value);

const buses: FaultyBus[] = [];
async function started(): Promise<FaultyBus> {
  const bus = faultyEmbeddedBus({ logger: silent, pollIntervalMs: 20, retryBackoffMs: 20 });
  buses.push(bus);
  await bus.start(TOPICS);
  return bus;
}

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

describe('FaultyBus', () => {
  it('fails the next N publishes on one topic with the given error, then lets them through', async () => {
    const bus = await started();
    const refused = new BusError('record too large', 'protocol', false);
    const fault = bus.failPublish(refused, { topic: 'alerts', times: 2 });
    await expect(bus.publish('alerts', [message('a1')])).rejects.toBe(refused);
    await bus.publish('changes', [message('c1')]);
    await expect(bus.publish('alerts', [message('a2')])).rejects.toBe(refused);
    await bus.publish('alerts', [message('a3')]);
    expect(fault.hits).toBe(2);
    expect(values(await bus.readAll('alerts'))).toEqual(['a3']);
    expect(bus.publishes.map((call) => `${call.topic}:${call.messages[0]?.value ?? ''}`)).toEqual([
      'alerts:a1',
      'changes:c1',
      'alerts:a2',
      'alerts:a3',
    ]);
  });

  it('fails every publish until released', async () => {
    const bus = await started();
    const fault = bus.failPublish(new BusError('down', 'connection', true));
    await expect(bus.publish('changes', [message('c1')])).rejects.toMatchObject({ retriable: true });
    fault.release();
    await bus.publish('changes', [message('c2')]);
    expect(values(await bus.readAll('changes'))).toEqual(['c2']);
  });

  it('hangs a publish until released, then stores it', async () => {
    const bus = await started();
    const fault = bus.hangPublish({ topic: 'alerts' });
    let stored = false;
    const pending = bus.publish('alerts', [message('a1')]).then(() => (stored = true));
    await waitFor(() => fault.held === 1, { description: 'the publish held' });
    expect(stored).toBe(false);
    expect(await bus.readAll('alerts')).toEqual([]);
    fault.release();
    await pending;
    expect(values(await bus.readAll('alerts'))).toEqual(['a1']);
  });

  it('holds batches of a topic back from the subscriber until released', async () => {
    const bus = await started();
    const fault = bus.gateDelivery({ topic: 'alerts' });
    const delivered: string[] = [];
    const subscription = await bus.subscribe({
      groupId: 'g',
      topics: ['alerts', 'changes'],
      fromBeginning: true,
      eachBatch: (messages) => {
        delivered.push(...values(messages));
        return Promise.resolve();
      },
    });
    await bus.publish('alerts', [message('a1')]);
    await waitFor(() => fault.held === 1, { description: 'the batch held' });
    expect(delivered).toEqual([]);
    fault.release();
    await waitFor(() => delivered.length === 1, { description: 'the batch delivered' });
    await bus.publish('changes', [message('c1')]);
    await waitFor(() => delivered.length === 2, { description: 'the next batch' });
    expect(delivered).toEqual(['a1', 'c1']);
    await subscription.close();
  });

  it('closes a subscription whose batch is held, leaving the batch to be delivered again', async () => {
    const bus = await started();
    const fault = bus.gateDelivery();
    const delivered: string[] = [];
    const eachMessage = (incoming: IncomingMessage) => {
      delivered.push(incoming.value);
      return Promise.resolve();
    };
    const first = await bus.subscribe({ groupId: 'g', topics: ['alerts'], fromBeginning: true, eachMessage });
    await bus.publish('alerts', [message('a1')]);
    await waitFor(() => fault.held === 1, { description: 'the message held' });
    await first.close();
    fault.release();
    const second = await bus.subscribe({ groupId: 'g', topics: ['alerts'], fromBeginning: true, eachMessage });
    await waitFor(() => delivered.length === 1, { description: 'the message delivered again' });
    expect(delivered).toEqual(['a1']);
    await second.close();
  });

  it('fails the next N starts, and says not ready until released', async () => {
    const bus = faultyEmbeddedBus({ logger: silent });
    buses.push(bus);
    const refused = new BusError('not authorised', 'protocol', false);
    bus.failStart(refused, { times: 1 });
    await expect(bus.start(TOPICS)).rejects.toBe(refused);
    await bus.start(TOPICS);
    expect(bus.starts).toEqual([TOPICS, TOPICS]);

    const notReady = bus.failReadiness('broker unreachable');
    expect(await bus.readiness()).toEqual({ ready: false, detail: 'broker unreachable' });
    notReady.release();
    expect((await bus.readiness()).ready).toBe(true);
  });

  it('lets held publishes finish when it closes', async () => {
    const bus = faultyEmbeddedBus({ logger: silent });
    await bus.start(TOPICS);
    bus.hangPublish();
    const pending = bus.publish('alerts', [message('a1')]);
    await bus.close();
    await expect(pending).resolves.toBeUndefined();
  });
});
