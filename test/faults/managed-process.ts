import { startProcess, type SpawnedProcess, type SpawnedProcessOptions } from '@sitrep/testkit';

/**
 * A process the fault suite may crash, stop, freeze and bring back: startProcess (so a crashed
 * test leaves nothing behind) with the same options on every start.
 */
export class ManagedProcess {
  private process: SpawnedProcess | undefined;
  private paused = false;

  constructor(
    readonly name: string,
    private readonly options: SpawnedProcessOptions,
  ) {}

  get running(): boolean {
    return this.process?.running ?? false;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  async start(): Promise<void> {
    if (this.process?.running) return;
    this.process = await startProcess(this.options);
    this.paused = false;
  }

  /** SIGKILL: nothing flushed, no group left, no offsets committed on the way out. */
  async kill9(): Promise<void> {
    const process_ = this.process;
    if (!process_?.running) return;
    process.kill(process_.pid, 'SIGKILL');
    await process_.exited;
    this.paused = false;
    await process_.stop();
  }

  pause(): void {
    if (!this.process?.running || this.paused) return;
    process.kill(this.process.pid, 'SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.process?.running || !this.paused) return;
    process.kill(this.process.pid, 'SIGCONT');
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.resume();
    await this.process?.stop();
  }
}
