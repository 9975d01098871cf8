import type { Server } from 'node:http';
import express from 'express';
import { LoadBalancer, DEFAULT_SIMULATION, type SimulationSettings } from './model.js';
import { simulatorMetrics } from './metrics.js';

export interface SimulatorOptions {
  readonly host?: string;
  readonly port?: number;
  readonly settings?: SimulationSettings;
  /** Real seconds between traffic steps. */
  readonly stepSeconds?: number;
  readonly service?: string;
  readonly balancer?: string;
}

export interface RunningSimulator {
  readonly url: string;
  /** Point the balancer at a skewed split: `[6, 1, 1]` sends 3/4 of the traffic to the first backend. */
  misconfigure(weights?: readonly number[]): void;
  restore(): void;
  weights(): readonly number[];
  close(): Promise<void>;
}

export const MISCONFIGURED_WEIGHTS = [6, 1, 1] as const;

/**
 * Serves `/metrics` (Prometheus scrapes it) and `/control` (`POST {"weights": [6,1,1]}` or
 * `{"scenario": "misconfigure" | "restore"}`; `GET` shows the weights), and drives traffic in
 * steps of real time.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings = options.settings ?? DEFAULT_SIMULATION;
  const balancer = new LoadBalancer(settings);
  const metrics = simulatorMetrics(options.service ?? 'auth', options.balancer ?? 'auth-lb');
  const stepSeconds = options.stepSeconds ?? 0.25;
  const timer = setInterval(() => {
    metrics.record(balancer.step(stepSeconds), balancer.currentWeights());
  }, stepSeconds * 1000);
  metrics.record(balancer.step(0), balancer.currentWeights());

  const misconfigure = (weights: readonly number[] = MISCONFIGURED_WEIGHTS) => {
    balancer.setWeights(weights);
  };
  const restore = () => {
    balancer.setWeights(settings.backends.map(() => 1));
  };

  const app = express();
  app.use(express.json());
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/control', (_req, res) => {
    res.json({ weights: balancer.currentWeights(), backends: settings.backends });
  });
  app.post('/control', (req, res) => {
    const body = req.body as { weights?: unknown; scenario?: unknown };
    try {
      if (body.scenario === 'misconfigure') misconfigure();
      else if (body.scenario === 'restore') restore();
      else if (Array.isArray(body.weights)) misconfigure(body.weights.map(Number));
      else throw new RangeError('send {"scenario": "misconfigure" | "restore"} or {"weights": [..]}');
      res.json({ weights: balancer.currentWeights() });
    } catch (error) {
      res.status(400).json({ error: { code: 'invalid_payload', message: (error as Error).message } });
    }
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    misconfigure,
    restore,
    weights: () => balancer.currentWeights(),
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
