import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface RunningPostgres {
  /** Superuser connection string to the `postgres` database. */
  readonly url: string;
  /** Connection string for another database on the same server. */
  urlFor(database: string): string;
  /** Creates a database (a fresh one per test) and returns its connection string. */
  createDatabase(database: string): string;
  close(): Promise<void>;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error("PostgreSQL server binaries not found: install Debian's postgresql package (or set PG_BIN)");
}

/**
 * A real PostgreSQL server in a temporary cluster on a free loopback port, for tests. PostgreSQL
 * refuses to run as root, so as root the cluster belongs to the `postgres` user the Debian package
 * creates; otherwise to the current user. fsync is off: the data is thrown away.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const command = (program: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];

  const [initCommand, initArgs] = command('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'sitrep',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`);

  const port = await freePort();
  const [serverCommand, serverArgs] = command('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const server = spawn(serverCommand, serverArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  let exited = false;
  server.on('exit', () => (exited = true));

  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  const watchdog = spawn('sh', ['-c', `read _; kill -INT $(head -1 ${join(data, 'postmaster.pid')}) 2>/dev/null`], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();

  const close = async (): Promise<void> => {
    const pid = postmasterPid();
    // SIGINT: PostgreSQL's fast shutdown (the postmaster, not the runuser wrapper).
    if (pid !== undefined && !exited) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      await waitFor(() => exited || !existsSync(join(data, 'postmaster.pid')), {
        timeoutMs: 30_000,
        description: 'PostgreSQL to stop',
      });
    }
    watchdog.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      () => {
        if (exited) throw new Error(`PostgreSQL exited: ${log}`);
        return spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'PostgreSQL ready' },
    );
  } catch (error) {
    await close();
    throw error;
  }
  const urlFor = (database: string) => `postgres://sitrep@127.0.0.1:${port}/${database}`;
  const createDatabase = (database: string): string => {
    const created = spawnSync(
      join(bin, 'createdb'),
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'sitrep', database],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`createdb ${database} failed: ${created.stderr}`);
    return urlFor(database);
  };
  return { url: urlFor('postgres'), urlFor, createDatabase, close };
}
