import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATION, errorShareAt, latencyAt, LoadBalancer } from './model.js';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('outage simulation', () => {
  it('spreads traffic evenly and serves it all while the weights are equal', () => {
    const lb = new LoadBalancer(DEFAULT_SIMULATION);
    const steps = Array.from({ length: 40 }, () => lb.step(0.25)).flat();
    const byBackend = DEFAULT_SIMULATION.backends.map((backend) =>
      sum(steps.filter((step) => step.backend === backend).map((step) => step.requests)),
    );
    expect(sum(byBackend)).toBe(120 * 10);
    expect(byBackend).toEqual([400, 400, 400]);
    expect(sum(steps.map((step) => step.failed))).toBe(0);
  });

  it('overloads the favoured backend when misconfigured: it sheds load and slows down', () => {
    const lb = new LoadBalancer(DEFAULT_SIMULATION);
    lb.setWeights([6, 1, 1]);
    const steps = Array.from({ length: 40 }, () => lb.step(0.25)).flat();
    const hot = steps.filter((step) => step.backend === 'auth-1');
    expect(sum(hot.map((step) => step.requests))).toBe(900);
    expect(hot[0]?.utilisation).toBe(1.5);
    // A third of the hot backend's requests fail: a quarter of all logins.
    expect(sum(steps.map((step) => step.failed)) / sum(steps.map((step) => step.requests))).toBeCloseTo(0.25, 2);
    expect(hot[0]?.latencySeconds).toBeGreaterThan(0.5);
    expect(steps.find((step) => step.backend === 'auth-2')?.failed).toBe(0);
  });

  it('refuses weights that route nowhere', () => {
    const lb = new LoadBalancer(DEFAULT_SIMULATION);
    expect(() => lb.setWeights([0, 0, 0])).toThrow(RangeError);
    expect(() => lb.setWeights([1, 1])).toThrow(RangeError);
  });

  it('keeps latency and errors monotonic in load', () => {
    expect(errorShareAt(0.9)).toBe(0);
    expect(errorShareAt(2)).toBe(0.5);
    expect(latencyAt(0.5, 0.02)).toBeCloseTo(0.04);
    expect(latencyAt(1.5, 0.02)).toBeGreaterThan(latencyAt(0.9, 0.02));
  });
});
