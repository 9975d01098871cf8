import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface SpawnedProcessOptions {
  /** What it is, for errors: `Kafka`, `PostgreSQL`. */
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  /** Its whole environment; default: this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Runs it as this user and group (PostgreSQL refuses to run as root). */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * Its stdout and stderr are appended here. A file, not a pipe: the process never stalls on
   * output a busy test does not read, and the log outlives a crashed test run.
   */
  readonly logFile: string;
  /** Ready once its output since this start contains this. */
  readonly readyOutput?: string | RegExp;
  /**
   * Ready once this answers true, polled (after `readyOutput` appeared, when both are given). A
   * throw counts as "not yet"; the last one is reported on timeout.
   */
  readonly ready?: () => boolean | Promise<boolean>;
  /** Default 30 s. */
  readonly readyTimeoutMs?: number;
  /** Default 100 ms. */
  readonly readyIntervalMs?: number;
  /** How stop() asks it to end; default SIGTERM. */
  readonly stopSignal?: NodeJS.Signals;
  /** SIGKILL when it has not ended this long after the stop signal (stop() and the watchdog); default 30 s. */
  readonly killAfterMs?: number;
  /**
   * What the watchdog sends when this process dies without stopping it; default SIGKILL. Another
   * signal (PostgreSQL's fast shutdown, SIGINT) is followed by SIGKILL after `killAfterMs`.
   */
  readonly orphanSignal?: NodeJS.Signals;
  /** A directory the watchdog removes, once the process is gone, when this process died first. */
  readonly orphanRemoves?: string;
}

export interface SpawnedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Until it exited. */
  readonly running: boolean;
  /** Resolves once it exited, saying how: `exited with code 1`, `was killed by SIGKILL`. */
  readonly exited: Promise<string>;
  /** The last lines of what it wrote since this start. */
  outputTail(lines?: number): string;
  /** The stop signal, SIGKILL after the bound; resolves once it exited. Safe to call again. */
  stop(): Promise<void>;
}

const TAIL_LINES = 40;
const TAIL_BYTES = 64 * 1024;

/**
 * Run by `sh` beside each process: `read` returns at end of file, which comes only when the
 * process holding the pipe's other end (this one) dies, since stop() kills the watchdog first.
 * Arguments: $0 pid, $1 signal, $2 tenths of a second to wait before SIGKILL, $3 a directory to
 * remove. A zombie counts as gone: once this process died nobody may reap it (a container's init).
 */
const WATCHDOG = `
alive() {
  if [ -r "/proc/$0/stat" ]; then
    s=$(cat "/proc/$0/stat" 2>/dev/null) || return 1
    s=\${s##*') '}
    [ "\${s%% *}" != Z ]
  else
    kill -0 "$0" 2>/dev/null
  fi
}
read _
kill -s "$1" "$0" 2>/dev/null
i=0
while alive && [ "$i" -lt "$2" ]; do sleep 0.1; i=$((i+1)); done
if alive; then kill -s KILL "$0" 2>/dev/null; fi
i=0
while alive && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done
[ -z "$3" ] || rm -rf "$3"
`;

/**
 * Vitest runs test files in child processes that outlive a runner killed with SIGKILL until their
 * next message to it, which in a long test is minutes away. So in a process with an IPC channel,
 * the channel closing counts as this process dying: every watchdog is let go at once. The listener
 * is registered only while some process runs, since it keeps the channel, and so this process, alive.
 */
const watchdogsToRelease = new Set<ChildProcess>();
const releaseWatchdogs = (): void => {
  for (const watchdog of watchdogsToRelease) watchdog.stdin?.destroy();
  watchdogsToRelease.clear();
};
function releaseWhenRunnerGoes(watchdog: ChildProcess): () => void {
  if (process.channel === undefined) return () => undefined;
  if (watchdogsToRelease.size === 0) process.once('disconnect', releaseWatchdogs);
  watchdogsToRelease.add(watchdog);
  return () => {
    if (watchdogsToRelease.delete(watchdog) && watchdogsToRelease.size === 0)
      process.off('disconnect', releaseWatchdogs);
  };
}

/** The bytes of `file` from `from` on, at most the last `maxBytes` of them. */
function readFrom(file: string, from: number, maxBytes = Infinity): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(from, size - maxBytes);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const read = buffer.length === 0 ? 0 : readSync(fd, buffer, 0, buffer.length, start);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null): string =>
  code !== null ? `exited with code ${code}` : `was killed by ${signal ?? 'an unknown signal'}`;

/**
 * Starts a long-running process for a test (a broker, a database, `sitrep start`), waits until it
 * is ready, and guarantees it does not outlive the test: a small `sh` watchdog holds a pipe from
 * this process and kills it when this process dies without calling stop() (or, in a Vitest
 * worker, when the runner is gone). If it exits before it is ready, or is not ready in time, it is
 * stopped and the error carries the tail of its output.
 */
export async function startProcess(options: SpawnedProcessOptions): Promise<SpawnedProcess> {
  const { name, logFile } = options;
  const killAfterMs = options.killAfterMs ?? 30_000;
  const out = openSync(logFile, 'a');
  let startOffset: number;
  let child: ChildProcess;
  try {
    startOffset = fstatSync(out).size;
    const spawnOptions: SpawnOptions = {
      stdio: ['ignore', out, out],
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    };
    child = spawn(options.command, [...(options.args ?? [])], spawnOptions);
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(out);
  }
  const { pid } = child;
  if (pid === undefined) {
    // Spawning failed (no such program, no permission); Node reports why on the next tick.
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`${name} could not start (${options.command}): ${error.message}`, { cause: error });
  }

  const orphanSignal = (options.orphanSignal ?? 'SIGKILL').replace(/^SIG/, '');
  const watchdog = spawn(
    'sh',
    ['-c', WATCHDOG, String(pid), orphanSignal, String(Math.ceil(killAfterMs / 100)), options.orphanRemoves ?? ''],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  watchdog.unref();
  watchdog.on('error', () => undefined);
  if (watchdog.pid === undefined) {
    child.kill('SIGKILL');
    throw new Error(`${name}: could not start its watchdog (sh)`);
  }

  const forget = releaseWhenRunnerGoes(watchdog);

  let ended: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      forget();
      ended = describeExit(code, signal);
      resolve(ended);
    });
  });
  // A failed kill() also reports here; the exit event says what matters.
  child.on('error', () => undefined);

  const outputTail = (lines = TAIL_LINES): string => {
    try {
      const text = readFrom(logFile, startOffset, TAIL_BYTES).toString('utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };

  const stop = async (): Promise<void> => {
    if (ended === undefined) {
      child.kill(options.stopSignal ?? 'SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(killer);
    }
    watchdog.kill('SIGKILL');
  };

  const failure = (why: string, cause?: unknown): Error =>
    new Error(`${name} ${why}\n--- ${logFile} (its last lines) ---\n${outputTail()}`, { cause });

  try {
    await waitUntilReady(options, {
      outputFrom: (offset) => readFrom(logFile, startOffset + offset),
      exited,
      isEnded: () => ended,
    });
  } catch (error) {
    await stop();
    throw failure((error as Error).message, error);
  }

  return {
    pid,
    logFile,
    get running() {
      return ended === undefined;
    },
    exited,
    outputTail,
    stop,
  };
}

interface ReadinessSignals {
  /** Its output from this many bytes after this start on. */
  readonly outputFrom: (offset: number) => Buffer;
  readonly exited: Promise<string>;
  readonly isEnded: () => string | undefined;
}

/** Rejects with the reason (without the output tail, which the caller adds). */
async function waitUntilReady(options: SpawnedProcessOptions, signals: ReadinessSignals): Promise<void> {
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const intervalMs = options.readyIntervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  const pattern = options.readyOutput;
  const decoder = new StringDecoder('utf8');
  let scanned = '';
  let scannedBytes = 0;
  let outputSeen = pattern === undefined;
  let lastError: unknown;

  for (;;) {
    const ended = signals.isEnded();
    if (ended !== undefined) throw new Error(`${ended} before it was ready`);
    if (!outputSeen && pattern !== undefined) {
      const output = signals.outputFrom(scannedBytes);
      scanned += decoder.write(output);
      scannedBytes += output.length;
      outputSeen = typeof pattern === 'string' ? scanned.includes(pattern) : scanned.search(pattern) >= 0;
    }
    if (outputSeen) {
      if (options.ready === undefined) return;
      const probe = options.ready;
      const answer = await bounded(
        (async () => probe())().catch((error: unknown) => {
          lastError = error;
          return false;
        }),
        deadline - Date.now(),
        signals.exited,
      );
      if (answer === true) return;
    }
    if (Date.now() >= deadline) {
      const awaited = outputSeen ? 'its readiness probe' : `${String(pattern)} in its output`;
      const why = lastError instanceof Error ? ` (last probe error: ${lastError.message})` : '';
      throw new Error(`was not ready after ${timeoutMs} ms waiting for ${awaited}${why}`);
    }
    await bounded(new Promise<void>((resolve) => setTimeout(resolve, intervalMs).unref()), intervalMs, signals.exited);
  }
}

/** `promise`, or undefined once `ms` passed or the process exited, whichever comes first. */
async function bounded<T>(promise: Promise<T>, ms: number, exited: Promise<string>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      exited.then(() => undefined),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms)))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
