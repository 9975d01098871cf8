import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProcess } from './spawned-process.js';
import { waitFor } from './wait-for.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sitrep-spawned-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A zombie counts as gone: nothing here reaps an orphan whose parent was killed. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('startProcess', () => {
  it('is ready once its output shows the pattern and the probe agrees, and stops on SIGTERM', async () => {
    let probes = 0;
    const child = await startProcess({
      name: 'echo server',
      ...node("setTimeout(() => console.log('listening now'), 200); setInterval(() => {}, 1000);"),
      logFile: join(dir, 'out.log'),
      readyOutput: /listening \w+/,
      ready: () => ++probes >= 2,
    });
    expect(child.running).toBe(true);
    expect(probes).toBe(2);
    expect(child.outputTail()).toBe('listening now');
    await child.stop();
    expect(child.running).toBe(false);
    expect(await child.exited).toBe('was killed by SIGTERM');
    expect(alive(child.pid)).toBe(false);
  });

  it('reads only what this start wrote to an existing log', async () => {
    const logFile = join(dir, 'out.log');
    writeFileSync(logFile, 'ready from an earlier run\n');
    await expect(
      startProcess({
        name: 'restarted',
        ...node("console.log('booting'); setInterval(() => {}, 1000);"),
        logFile,
        readyOutput: 'ready',
        readyTimeoutMs: 500,
      }),
    ).rejects.toThrow(/restarted was not ready after 500 ms waiting for ready in its output[\s\S]*\nbooting$/);
    expect(readFileSync(logFile, 'utf8')).toBe('ready from an earlier run\nbooting\n');
  });

  it('fails at once, with the tail of its output, when it exits before it is ready', async () => {
    const started = Date.now();
    const error = await startProcess({
      name: 'crasher',
      ...node("console.error('config line 3: unknown key'); process.exit(3);"),
      logFile: join(dir, 'out.log'),
      ready: () => false,
      readyTimeoutMs: 20_000,
    }).catch((caught: unknown) => caught as Error);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^crasher exited with code 3 before it was ready\n/);
    expect((error as Error).message).toContain(`--- ${join(dir, 'out.log')}`);
    expect((error as Error).message).toContain('config line 3: unknown key');
  });

  it('times out with the last probe error and its output, and leaves nothing running', async () => {
    const pidFile = join(dir, 'pid');
    const error = await startProcess({
      name: 'slow',
      ...node(
        `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.log('still warming up'); setInterval(() => {}, 1000);`,
      ),
      logFile: join(dir, 'out.log'),
      ready: () => {
        throw new Error('connection refused');
      },
      readyTimeoutMs: 400,
    }).catch((caught: unknown) => caught as Error);
    expect((error as Error).message).toMatch(
      /^slow was not ready after 400 ms waiting for its readiness probe \(last probe error: connection refused\)/,
    );
    expect((error as Error).message).toContain('still warming up');
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('does not wait past its time limit for a probe that hangs', async () => {
    const started = Date.now();
    await expect(
      startProcess({
        name: 'hanging probe',
        ...node('setInterval(() => {}, 1000);'),
        logFile: join(dir, 'out.log'),
        ready: () => new Promise<boolean>(() => undefined),
        readyTimeoutMs: 300,
      }),
    ).rejects.toThrow(/hanging probe was not ready after 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says what could not be started', async () => {
    await expect(
      startProcess({ name: 'Nothing', command: join(dir, 'no-such-program'), logFile: join(dir, 'out.log') }),
    ).rejects.toThrow(/^Nothing could not start \(.*no-such-program\): spawn .* ENOENT/);
  });

  it('sends SIGKILL when the stop signal is ignored past the bound', async () => {
    const child = await startProcess({
      name: 'stubborn',
      ...node(
        "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000);",
      ),
      logFile: join(dir, 'out.log'),
      readyOutput: 'up',
      killAfterMs: 300,
    });
    await child.stop();
    expect(await child.exited).toBe('was killed by SIGKILL');
    expect(child.outputTail()).toBe('up\nignoring SIGTERM');
  });

  it('stops with the signal given', async () => {
    const child = await startProcess({
      name: 'graceful',
      ...node("process.on('SIGINT', () => process.exit(7)); console.log('up'); setInterval(() => {}, 1000);"),
      logFile: join(dir, 'out.log'),
      readyOutput: 'up',
      stopSignal: 'SIGINT',
    });
    await child.stop();
    await child.stop();
    expect(await child.exited).toBe('exited with code 7');
  });
});

describe('startProcess when the test process dies without stopping it', () => {
  const module = fileURLToPath(new URL('./spawned-process.ts', import.meta.url));

  /**
   * A parent process that starts `child` with `options`, prints its pid and, unless `then` says
   * otherwise, waits to be killed.
   */
  async function orphanOf(
    child: string,
    options: string,
    { ipc = false, then = 'setInterval(() => {}, 1000);' } = {},
  ): Promise<{ parent: ChildProcessWithoutNullStreams; pid: number }> {
    const parent = spawn(
      process.execPath,
      [
        '--experimental-strip-types',
        '--disable-warning=ExperimentalWarning',
        '--input-type=module',
        '-e',
        `const { startProcess } = await import(${JSON.stringify(module)});
         const child = await startProcess({ name: 'child', command: process.execPath, args: ['-e', ${JSON.stringify(child)}],
           logFile: ${JSON.stringify(join(dir, 'child.log'))}, readyOutput: 'up', ${options} });
         console.log(child.pid);
         ${then}`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit', ...(ipc ? ['ipc' as const] : [])] },
    ) as ChildProcessWithoutNullStreams;
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const pid = await waitFor(() => /^\d+\n/.test(output) && Number(output), { timeoutMs: 15_000 });
    return { parent, pid };
  }
  const exitOf = (parent: ChildProcessWithoutNullStreams) =>
    new Promise<number | null>((resolve) => {
      if (parent.exitCode !== null) resolve(parent.exitCode);
      else parent.once('exit', resolve);
    });
  const idle = "console.log('up'); setInterval(() => {}, 1000);";

  it('kills it (SIGKILL by default)', async () => {
    const { parent, pid } = await orphanOf(idle, '');
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor(() => !alive(pid), { timeoutMs: 10_000, description: 'the orphan to be killed' });
  });

  it('sends the orphan signal, then removes the directory it was given', async () => {
    const work = join(dir, 'work');
    const marker = join(dir, 'marker');
    const { parent, pid } = await orphanOf(
      `require('fs').mkdirSync(${JSON.stringify(work)}); process.on('SIGINT', () => { require('fs').writeFileSync(${JSON.stringify(marker)}, 'INT'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000);`,
      `orphanSignal: 'SIGINT', orphanRemoves: ${JSON.stringify(work)}`,
    );
    expect(existsSync(work)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor(() => !alive(pid) && !existsSync(work), {
      timeoutMs: 10_000,
      description: 'the orphan to stop and its directory to go',
    });
    expect(readFileSync(marker, 'utf8')).toBe('INT');
  });

  it('kills it when the IPC channel to its own parent closes (a Vitest worker whose runner was killed)', async () => {
    const { parent, pid } = await orphanOf(idle, '', { ipc: true, then: '' });
    expect(alive(pid)).toBe(true);
    parent.disconnect();
    await waitFor(() => !alive(pid), { timeoutMs: 10_000, description: 'the child to be killed' });
    // Nothing else holds the parent: the disconnect listener went with the child.
    expect(await exitOf(parent)).toBe(0);
  });

  it('leaves a process with an IPC channel free to exit once what it started stopped', async () => {
    const { parent } = await orphanOf(idle, '', { ipc: true, then: 'await child.stop();' });
    expect(await exitOf(parent)).toBe(0);
  });
});
