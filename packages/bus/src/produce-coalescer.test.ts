import { describe, expect, it } from 'vitest';
import { ProduceCoalescer } from './produce-coalescer.js';

/** A send that records what each request carried and settles when the test says so. */
function recordingSend() {
  const requests: { messages: readonly string[]; settle: (error?: Error) => void }[] = [];
  const send = (messages: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ messages, settle: (error) => (error ? reject(error) : resolve()) });
    });
  return { requests, send };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ProduceCoalescer', () => {
  it('sends the publishes of one turn in one request, each in its order, and acknowledges each', async () => {
    const { requests, send } = recordingSend();
    const coalescer = new ProduceCoalescer({ send, maxInFlight: 1, maxBytes: 1000 });
    const first = coalescer.publish(['a1', 'a2'], 10);
    const second = coalescer.publish(['b1'], 10);
    await turn();
    expect(requests.map((request) => request.messages)).toEqual([['a1', 'a2', 'b1']]);
    requests[0]?.settle();
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
  });

  it('queues while requests are in flight and fails exactly the publishes of a failed request', async () => {
    const { requests, send } = recordingSend();
    const coalescer = new ProduceCoalescer({ send, maxInFlight: 1, maxBytes: 1000 });
    const early = coalescer.publish(['early'], 10);
    await turn();
    const late = [coalescer.publish(['late1'], 10), coalescer.publish(['late2'], 10)];
    await turn();
    expect(requests).toHaveLength(1);
    requests[0]?.settle(new Error('broker away'));
    await expect(early).rejects.toThrow('broker away');
    await turn();
    expect(requests[1]?.messages).toEqual(['late1', 'late2']);
    requests[1]?.settle();
    await expect(Promise.all(late)).resolves.toBeDefined();
  });

  it('keeps each request within the byte bound, a larger publish alone, and several in flight', async () => {
    const { requests, send } = recordingSend();
    const coalescer = new ProduceCoalescer({ send, maxInFlight: 3, maxBytes: 100 });
    const all = [
      coalescer.publish(['a'], 60),
      coalescer.publish(['b'], 30),
      coalescer.publish(['c'], 20),
      coalescer.publish(['huge'], 500),
      coalescer.publish(['d'], 10),
    ];
    await turn();
    expect(requests.map((request) => request.messages)).toEqual([['a', 'b'], ['c'], ['huge']]);
    for (const request of requests) request.settle();
    await turn();
    await turn();
    expect(requests[3]?.messages).toEqual(['d']);
    requests[3]?.settle();
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });
});
