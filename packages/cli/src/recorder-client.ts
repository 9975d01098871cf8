import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvReader, readPlatformSettings, type Env } from '@sitrep/config';
import { API_TOKEN_FILE, readToken } from './generated-token.js';

/** A failure the CLI reports in one line, without a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface RecorderClient {
  readonly baseUrl: string;
  get(path: string): Promise<unknown>;
  getText(path: string): Promise<string>;
  post(path: string, body: unknown): Promise<unknown>;
}

interface Settings {
  readonly baseUrl: string;
  readonly token: string | undefined;
}

function settings(env: Env): Settings {
  const reader = new EnvReader(env);
  const platform = readPlatformSettings(reader);
  const port = reader.integer('SITREP_RECORDER_PORT', 9096, { min: 1, max: 65535 });
  const url = reader.optionalString('SITREP_RECORDER_URL', {
    regex: /^https?:\/\/\S+$/,
    description: 'the recorder base URL, e.g. http://127.0.0.1:9096',
  });
  const token = reader.secret('SITREP_API_TOKEN');
  reader.finish([]);
  const host = platform.host === '0.0.0.0' || platform.host === '::' ? '127.0.0.1' : platform.host;
  return {
    baseUrl: (url ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    // The token `sitrep start` generated, when none is configured: same machine, same data dir.
    token: token ?? readToken(resolve(platform.dataDir), API_TOKEN_FILE),
  };
}

async function failure(response: Response): Promise<CliError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return new CliError(`${response.status}: ${body.error.message}`);
  } catch {
    // not JSON: report the text
  }
  return new CliError(`${response.status}: ${text.slice(0, 500)}`);
}

/** The recorder's HTTP API, for the CLI's incident commands. 503s are retried with the same body. */
export function recorderClient(env: Env, fetchImpl: typeof fetch = fetch): RecorderClient {
  const { baseUrl, token } = settings(env);
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetchImpl(`${baseUrl}${path}`, {
          ...init,
          headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new CliError(
          `cannot reach the recorder at ${baseUrl} (${(error as Error).message}); is \`npm start\` running? (SITREP_RECORDER_URL sets the address)`,
        );
      }
      if (response.status === 503 && attempt < 4) {
        const wait = Math.min(Number(response.headers.get('retry-after') ?? '1'), 10);
        await new Promise((done) => setTimeout(done, wait * 1000));
        continue;
      }
      if (!response.ok) throw await failure(response);
      return response;
    }
  };
  return {
    baseUrl,
    get: async (path): Promise<unknown> => (await call(path)).json(),
    getText: async (path) => (await call(path)).text(),
    post: async (path, body): Promise<unknown> =>
      (
        await call(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json(),
  };
}

/** An entry id chosen here, so a retried `sitrep note` is recorded once. */
export const newEntryId = (): string => `cli-${randomUUID()}`;
