import { playScenario, scenarioAt, seededRandom, type AckedAlert, type Scenario, type Sender } from './load.js';

export interface PlayedScenario {
  readonly scenario: Scenario;
  /** Settles once every notification of it was acknowledged. */
  readonly done: Promise<AckedAlert[]>;
}

/**
 * The background load: a new scenario every `everyMs` (fewer while many are still retrying, so
 * an outage does not pile up without bound), each drawn from one seeded generator in order, until
 * stop(). Probes are scenarios too, started on demand.
 */
export class LoadRunner {
  readonly played: PlayedScenario[] = [];
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    seed: number,
    private readonly sender: Sender,
    private readonly options: { readonly everyMs: number; readonly maxInFlight: number; readonly maxScenarios: number },
  ) {
    this.random = seededRandom(seed);
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.inFlight < this.options.maxInFlight && this.played.length < this.options.maxScenarios) this.play();
    }, this.options.everyMs);
  }

  /** Starts one scenario now, through `sender` (default: both ingests in turn). */
  play(sender: Sender = this.sender, hooks: Parameters<typeof playScenario>[2] = {}): PlayedScenario {
    const scenario = scenarioAt(this.played.length, this.random);
    this.inFlight += 1;
    const done = playScenario(scenario, sender, hooks).finally(() => {
      this.inFlight -= 1;
    });
    // Failures surface when the suite awaits them all; not as unhandled rejections meanwhile.
    done.catch(() => undefined);
    const played = { scenario, done };
    this.played.push(played);
    return played;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Every scenario's acknowledged alerts, once all finished (or the first failure). */
  async finished(): Promise<AckedAlert[][]> {
    return Promise.all(this.played.map((played) => played.done));
  }
}
