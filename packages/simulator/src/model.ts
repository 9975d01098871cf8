/**
 * The outage's physics, without I/O: a client sends steady traffic to a load balancer that splits
 * it across backends by weight. A backend past its capacity sheds the excess with 503s and slows
 * down as its queue grows: the postmortems' "misconfigured balancer overloads some auth backends".
 */
export interface SimulationSettings {
  readonly backends: readonly string[];
  /** Requests per second the client sends in total. */
  readonly clientRps: number;
  /** Requests per second one backend serves before it sheds load. */
  readonly capacityRps: number;
  /** Latency of an idle backend, in seconds. */
  readonly baseLatencySeconds: number;
}

export const DEFAULT_SIMULATION: SimulationSettings = {
  backends: ['auth-1', 'auth-2', 'auth-3'],
  clientRps: 120,
  capacityRps: 60,
  baseLatencySeconds: 0.02,
};

/** What one backend did over one step. */
export interface BackendStep {
  readonly backend: string;
  readonly requests: number;
  readonly failed: number;
  /** Seconds each request of this step took. */
  readonly latencySeconds: number;
  /** Offered load over capacity (above 1: saturated). */
  readonly utilisation: number;
}

/** Latency grows as a backend approaches capacity (a queue), capped so the numbers stay readable. */
export function latencyAt(utilisation: number, baseSeconds: number): number {
  return baseSeconds / Math.max(0.02, 1 - Math.min(utilisation, 0.98));
}

/** Share of its requests a backend fails: the part above capacity. */
export function errorShareAt(utilisation: number): number {
  return utilisation <= 1 ? 0 : 1 - 1 / utilisation;
}

/**
 * Splits whole requests by weight over time without drift: each backend carries its fractional
 * remainder to the next step (smooth weighted round robin, as nginx and Envoy do it).
 */
export class LoadBalancer {
  private weights: number[];
  private readonly carry: number[];

  constructor(private readonly settings: SimulationSettings) {
    this.weights = settings.backends.map(() => 1);
    this.carry = settings.backends.map(() => 0);
  }

  currentWeights(): readonly number[] {
    return this.weights;
  }

  setWeights(weights: readonly number[]): void {
    if (
      weights.length !== this.settings.backends.length ||
      weights.some((w) => !(w >= 0)) ||
      !weights.some((w) => w > 0)
    ) {
      throw new RangeError(`weights must be ${this.settings.backends.length} non-negative numbers, not all zero`);
    }
    this.weights = [...weights];
  }

  /** Advances `seconds` of traffic. */
  step(seconds: number): BackendStep[] {
    const { clientRps, capacityRps, baseLatencySeconds, backends } = this.settings;
    const total = this.weights.reduce((sum, w) => sum + w, 0);
    return backends.map((backend, index) => {
      const share = (this.weights[index] ?? 0) / total;
      const exact = clientRps * seconds * share + (this.carry[index] ?? 0);
      const requests = Math.floor(exact);
      this.carry[index] = exact - requests;
      const utilisation = (clientRps * share) / capacityRps;
      return {
        backend,
        requests,
        failed: Math.round(requests * errorShareAt(utilisation)),
        latencySeconds: latencyAt(utilisation, baseLatencySeconds),
        utilisation,
      };
    });
  }
}
