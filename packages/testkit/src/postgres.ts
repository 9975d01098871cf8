import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, type SpawnedProcess } from './spawned-process.js';

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

/** The `postgres` user's ids, from the Debian package. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string): number => {
    const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`no postgres user to run PostgreSQL as root: ${result.stderr}`);
    return Number(result.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

export interface PostgresOptions {
  /**
   * Flush every commit to disk as production does (fsync, synchronous_commit, full_page_writes
   * on): for benchmarks, whose figures must include the flush. Off by default: test data is
   * thrown away.
   */
  readonly durable?: boolean;
}

/**
 * A real PostgreSQL server in a temporary cluster on a free loopback port, for tests. PostgreSQL
 * refuses to run as root, so as root the cluster belongs to the `postgres` user the Debian package
 * creates; otherwise to the current user. fsync is off unless `durable`: the data is thrown away.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const flush = options.durable === true ? 'on' : 'off';
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-pg-'));
  const data = join(dir, 'data');
  // The server runs as this user directly (not through runuser), so the signals reach the postmaster.
  const user = userInfo().uid === 0 ? postgresUser() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);

  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'sitrep', '-E', 'UTF8', '--no-sync'], {
    encoding: 'utf8',
    ...user,
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.error?.message ?? ''}${init.stderr}${init.stdout}`);
  }

  const port = await freePort();
  let server: SpawnedProcess;
  try {
    server = await startProcess({
      name: 'PostgreSQL',
      command: join(bin, 'postgres'),
      args: [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `fsync=${flush}`,
        '-c',
        `synchronous_commit=${flush}`,
        '-c',
        `full_page_writes=${flush}`,
      ],
      ...user,
      logFile: join(dir, 'postgres.log'),
      ready: () => spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0,
      // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
      stopSignal: 'SIGINT',
      orphanSignal: 'SIGINT',
      orphanRemoves: dir,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const close = async (): Promise<void> => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
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
