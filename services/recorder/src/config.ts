import { join, resolve } from 'node:path';
import {
  isLoopbackHost,
  readPlatformSettings,
  refuseWeakSecret,
  type EnvReader,
  type PlatformSettings,
} from '@sitrep/config';
import { POSTGRES_DEFAULTS, type StoreSettings } from '@sitrep/store';
import { DEFAULT_MAX_SERVICE_LABELS } from './service-labels.js';

/** Who may call the API: writers add entries, readers (dashboards, reports) only read. */
export type ApiAccess =
  | { readonly mode: 'disabled' }
  | { readonly mode: 'enabled'; readonly writeTokens: readonly string[]; readonly readTokens: readonly string[] };

/** The web UI's own server (SITREP_UI_*): pages for people, beside the JSON API. */
export interface UiSettings {
  readonly port: number;
  /** Not set: when the default port is taken, any free one will do (it is logged). */
  readonly portIsDefault: boolean;
  /** `always`: cookies are Secure even over plain HTTP (TLS ends at a proxy in front). */
  readonly secureCookies: 'auto' | 'always';
  /** How long a login lasts. */
  readonly sessionTtlMs: number;
}

export interface RecorderConfig {
  readonly platform: PlatformSettings;
  readonly port: number;
  readonly access: ApiAccess;
  /** True when no API token was configured and a generated one is in use. */
  readonly generatedToken: boolean;
  readonly store: StoreSettings;
  readonly consumerGroup: string;
  /** How far past the server's clock an entry's `at` may be (clock skew between hosts). */
  readonly maxEntrySkewMs: number;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
  readonly prometheus: { readonly url: string; readonly timeoutMs: number } | null;
  /** Incident services named in metric labels; the rest are `other`. */
  readonly metricsMaxServices: number;
  /** Null when SITREP_UI=disabled. */
  readonly ui: UiSettings | null;
}

export interface RecorderConfigOptions {
  /** Supplies a token when none is configured, so a fresh `npm start` is not open to anyone. */
  readonly generateToken?: (dataDir: string) => string;
}

/** SITREP_DATABASE_URL (PostgreSQL), else a SQLite file under the data dir. */
export function loadStoreSettings(env: EnvReader, dataDir: string): StoreSettings {
  const url = env.secret('SITREP_DATABASE_URL');
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      env.fail('SITREP_DATABASE_URL', 'must be a postgres:// or postgresql:// connection URL');
    }
    return {
      kind: 'postgres',
      url,
      connectTimeoutMs: env.integer('SITREP_DATABASE_CONNECT_TIMEOUT_MS', POSTGRES_DEFAULTS.connectTimeoutMs, {
        min: 100,
        max: 300_000,
      }),
      statementTimeoutMs: env.integer('SITREP_DATABASE_STATEMENT_TIMEOUT_MS', POSTGRES_DEFAULTS.statementTimeoutMs, {
        min: 100,
        max: 3_600_000,
      }),
    };
  }
  env.allow('SITREP_DATABASE_CONNECT_TIMEOUT_MS', 'SITREP_DATABASE_STATEMENT_TIMEOUT_MS');
  return { kind: 'sqlite', path: resolve(env.string('SITREP_RECORDER_SQLITE', join(dataDir, 'recorder.sqlite'))) };
}

function readPrometheus(env: EnvReader): RecorderConfig['prometheus'] {
  const url = env.optionalString('PROMETHEUS_URL', {
    regex: /^https?:\/\/[^\s/]+(\/\S*)?$/,
    description: 'an http(s) URL of the Prometheus server, e.g. http://prometheus:9090',
  });
  const timeoutMs = env.integer('SITREP_PROMETHEUS_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 });
  return url === undefined ? null : { url: url.replace(/\/+$/, ''), timeoutMs };
}

function readAccess(
  env: EnvReader,
  platform: PlatformSettings,
  options: RecorderConfigOptions,
): { access: ApiAccess; generatedToken: boolean } {
  const mode = env.oneOf('SITREP_AUTH', ['enabled', 'disabled'], 'enabled');
  const write = env.secret('SITREP_API_TOKEN');
  const read = env.secret('SITREP_API_READ_TOKEN');
  refuseWeakSecret(env, 'SITREP_API_TOKEN', write, platform.host);
  refuseWeakSecret(env, 'SITREP_API_READ_TOKEN', read, platform.host);
  if (mode === 'disabled') {
    if (!isLoopbackHost(platform.host)) {
      env.fail('SITREP_AUTH', `auth can only be disabled when SITREP_HOST is a loopback address, not ${platform.host}`);
    }
    return { access: { mode: 'disabled' }, generatedToken: false };
  }
  if (write !== undefined && read !== undefined && write === read) {
    env.fail('SITREP_API_READ_TOKEN', 'must differ from SITREP_API_TOKEN (a read-only token that can write is not)');
  }
  if (write !== undefined) {
    return {
      access: { mode: 'enabled', writeTokens: [write], readTokens: read === undefined ? [] : [read] },
      generatedToken: false,
    };
  }
  if (options.generateToken) {
    const token = options.generateToken(platform.dataDir);
    return {
      access: { mode: 'enabled', writeTokens: [token], readTokens: read === undefined ? [] : [read] },
      generatedToken: true,
    };
  }
  env.fail('SITREP_API_TOKEN', 'set an API token (or SITREP_AUTH=disabled on loopback)');
  return { access: { mode: 'enabled', writeTokens: [], readTokens: [] }, generatedToken: false };
}

const UI_VARIABLES = ['SITREP_UI_PORT', 'SITREP_UI_COOKIE_SECURE', 'SITREP_UI_SESSION_HOURS'];

/** A recorder on any free port (tests, several at once) puts its UI on any free port too. */
function readUi(env: EnvReader, apiPort: number): UiSettings | null {
  if (env.oneOf('SITREP_UI', ['enabled', 'disabled'], 'enabled') === 'disabled') {
    env.allow(...UI_VARIABLES);
    return null;
  }
  const fallback = apiPort === 0 ? 0 : 9097;
  const port = env.integer('SITREP_UI_PORT', fallback, { min: 0, max: 65535 });
  if (port !== 0 && port === apiPort) env.fail('SITREP_UI_PORT', `must differ from SITREP_RECORDER_PORT (${apiPort})`);
  return {
    port,
    portIsDefault: env.optionalString('SITREP_UI_PORT') === undefined,
    secureCookies: env.oneOf('SITREP_UI_COOKIE_SECURE', ['auto', 'always'], 'auto'),
    sessionTtlMs: env.integer('SITREP_UI_SESSION_HOURS', 12, { min: 1, max: 720 }) * 3_600_000,
  };
}

export function loadRecorderConfig(env: EnvReader, options: RecorderConfigOptions = {}): RecorderConfig {
  const platform = readPlatformSettings(env);
  const { access, generatedToken } = readAccess(env, platform, options);
  const port = env.integer('SITREP_RECORDER_PORT', 9096, { min: 0, max: 65535 });
  return Object.freeze({
    platform,
    port,
    access,
    generatedToken,
    store: loadStoreSettings(env, platform.dataDir),
    consumerGroup: env.string('SITREP_RECORDER_GROUP', 'sitrep-recorder', {
      regex: /^[A-Za-z0-9._-]{1,200}$/,
      description: 'a Kafka consumer group id',
    }),
    maxEntrySkewMs: env.integer('SITREP_ENTRY_MAX_SKEW_MS', 60_000, { min: 0, max: 3_600_000 }),
    maxBodyBytes: env.bytes('SITREP_RECORDER_MAX_BODY', 64 * 1024),
    retryAfterSeconds: env.integer('SITREP_RETRY_AFTER_SECONDS', 5, { min: 1, max: 3600 }),
    prometheus: readPrometheus(env),
    metricsMaxServices: env.integer('SITREP_METRICS_MAX_SERVICES', DEFAULT_MAX_SERVICE_LABELS, { min: 1, max: 10_000 }),
    ui: readUi(env, port),
  });
}
