import {
  isLoopbackHost,
  readPlatformSettings,
  refuseWeakSecret,
  type EnvReader,
  type PlatformSettings,
} from '@sitrep/config';
import { DEFAULT_CORRELATION_SETTINGS, type CorrelationSettings } from '@sitrep/domain';
import type { AuthPolicy } from '@sitrep/http';
import { CorrelationConfigError, parseCorrelationConfig } from './correlation/correlation-config.js';
import { DEFAULT_INPUT_LIMITS, LIMIT_VARIABLES, type InputLimits } from './input-limits.js';

export interface IngestConfig {
  readonly platform: PlatformSettings;
  readonly port: number;
  readonly auth: AuthPolicy;
  /** True when no credential was configured and a generated token is in use. */
  readonly generatedToken: boolean;
  readonly maxBodyBytes: number;
  /** Sent as Retry-After with every 503. */
  readonly retryAfterSeconds: number;
  /** How far in the future a change's `at` may be (clock skew between hosts). */
  readonly maxChangeSkewMs: number;
  /** What one webhook or change may hold, and the bus's largest message. */
  readonly limits: InputLimits;
  readonly correlation: CorrelationSettings;
  /** Run the correlator in this process (SITREP_CORRELATOR). */
  readonly correlatorEnabled: boolean;
  readonly correlatorGroup: string;
  /**
   * PROMETHEUS_URL: learn from its alerting rules when alerts' conditions began (their `for:`, and
   * the activeAt of live ones), refreshed in the background every refreshMs. Null without it.
   */
  readonly prometheus: PrometheusRulesSettings | null;
}

export interface PrometheusRulesSettings {
  readonly url: string;
  readonly refreshMs: number;
  readonly timeoutMs: number;
}

/** PROMETHEUS_URL and its timeout are the recorder's too: one Prometheus for the pipeline. */
function loadPrometheusRules(env: EnvReader): PrometheusRulesSettings | null {
  const url = env.optionalString('PROMETHEUS_URL', {
    regex: /^https?:\/\/[^\s/]+(\/\S*)?$/,
    description: 'an http(s) URL of the Prometheus server, e.g. http://prometheus:9090',
  });
  const timeoutMs = env.integer('SITREP_PROMETHEUS_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 });
  const refreshMs = env.integer('SITREP_PROMETHEUS_RULES_REFRESH_MS', 60_000, { min: 1000, max: 3_600_000 });
  return url === undefined ? null : { url: url.replace(/\/+$/, ''), refreshMs, timeoutMs };
}

/** SITREP_CORRELATION_CONFIG, parsed; errors are reported against that variable, naming the key. */
export function loadCorrelationSettings(env: EnvReader, scopeLabel: string): CorrelationSettings {
  const file = env.fileContent('SITREP_CORRELATION_CONFIG');
  if (file === undefined) {
    const [, ...qualifiers] = DEFAULT_CORRELATION_SETTINGS.scopeLabels;
    return { ...DEFAULT_CORRELATION_SETTINGS, scopeLabels: [scopeLabel, ...qualifiers] };
  }
  try {
    const settings = parseCorrelationConfig(file.content, file.path);
    // Ingest partitions by SITREP_SCOPE_LABEL and the correlator scopes by the file's first
    // label: if they differ, related alerts land on different partitions and never meet.
    if (settings.scopeLabels[0] !== scopeLabel) {
      env.fail(
        'SITREP_CORRELATION_CONFIG',
        `${file.path}: scope_labels must start with SITREP_SCOPE_LABEL (${scopeLabel}), got ${settings.scopeLabels.join(', ')}`,
      );
    }
    return settings;
  } catch (error) {
    if (!(error instanceof CorrelationConfigError)) throw error;
    for (const issue of error.issues)
      env.fail('SITREP_CORRELATION_CONFIG', `${file.path}: ${issue.key}: ${issue.message}`);
    return DEFAULT_CORRELATION_SETTINGS;
  }
}

export interface IngestConfigOptions {
  /**
   * Supplies a token when no receiver credential is configured, so a fresh `npm start` is
   * secure without setup (the CLI keeps it in a file under the data dir).
   */
  readonly generateToken?: (dataDir: string) => string;
}

function readBasicAuth(env: EnvReader): { username: string; password: string } | undefined {
  const value = env.secret('SITREP_INGEST_BASIC_AUTH');
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    env.fail('SITREP_INGEST_BASIC_AUTH', 'must be user:password with both parts non-empty');
    return undefined;
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** The input limits (see InputLimits), each from its variable. */
export function loadInputLimits(env: EnvReader): InputLimits {
  const bytes = (limit: keyof InputLimits): number => env.bytes(LIMIT_VARIABLES[limit], DEFAULT_INPUT_LIMITS[limit]);
  const messageBytes = bytes('messageBytes');
  if (messageBytes < 4096) env.fail(LIMIT_VARIABLES.messageBytes, 'must be at least 4kb, or no alert record fits');
  return Object.freeze({
    labelNameBytes: bytes('labelNameBytes'),
    labelValueBytes: bytes('labelValueBytes'),
    labelsPerSet: env.integer(LIMIT_VARIABLES.labelsPerSet, DEFAULT_INPUT_LIMITS.labelsPerSet, { min: 1 }),
    annotationBytes: bytes('annotationBytes'),
    alertsPerNotification: env.integer(
      LIMIT_VARIABLES.alertsPerNotification,
      DEFAULT_INPUT_LIMITS.alertsPerNotification,
      { min: 1 },
    ),
    publishBytes: bytes('publishBytes'),
    messageBytes,
    alertSkewMs: env.integer(LIMIT_VARIABLES.alertSkewMs, DEFAULT_INPUT_LIMITS.alertSkewMs, { min: 0 }),
  });
}

export function loadScopeLabel(env: EnvReader): string {
  return env.string('SITREP_SCOPE_LABEL', 'service', {
    regex: /^[A-Za-z_][A-Za-z0-9_]*$/,
    description: 'a Prometheus label name',
  });
}

export function loadIngestConfig(env: EnvReader, options: IngestConfigOptions = {}): IngestConfig {
  const platform = readPlatformSettings(env);
  const scopeLabel = loadScopeLabel(env);
  const authMode = env.oneOf('SITREP_AUTH', ['enabled', 'disabled'], 'enabled');
  const bearer = env.secret('SITREP_INGEST_BEARER_TOKEN');
  const basic = readBasicAuth(env);
  refuseWeakSecret(env, 'SITREP_INGEST_BEARER_TOKEN', bearer, platform.host);
  refuseWeakSecret(env, 'SITREP_INGEST_BASIC_AUTH', basic?.password, platform.host, 'the password');
  let auth: AuthPolicy = { mode: 'disabled' };
  let generatedToken = false;
  if (authMode === 'disabled') {
    if (!isLoopbackHost(platform.host)) {
      env.fail('SITREP_AUTH', `auth can only be disabled when SITREP_HOST is a loopback address, not ${platform.host}`);
    }
  } else if (bearer !== undefined || basic !== undefined) {
    auth = { mode: 'enabled', bearerTokens: bearer === undefined ? [] : [bearer], ...(basic ? { basic } : {}) };
  } else if (options.generateToken) {
    auth = { mode: 'enabled', bearerTokens: [options.generateToken(platform.dataDir)] };
    generatedToken = true;
  } else {
    env.fail(
      'SITREP_INGEST_BEARER_TOKEN',
      'set a receiver credential (or SITREP_INGEST_BASIC_AUTH, or SITREP_AUTH=disabled on loopback)',
    );
  }
  return Object.freeze({
    platform,
    port: env.integer('SITREP_INGEST_PORT', 9095, { min: 0, max: 65535 }),
    auth,
    generatedToken,
    maxBodyBytes: env.bytes('SITREP_INGEST_MAX_BODY', 1024 * 1024),
    retryAfterSeconds: env.integer('SITREP_RETRY_AFTER_SECONDS', 5, { min: 1, max: 3600 }),
    maxChangeSkewMs: env.integer('SITREP_CHANGE_MAX_SKEW_MS', 5 * 60_000, { min: 0 }),
    limits: loadInputLimits(env),
    correlation: loadCorrelationSettings(env, scopeLabel),
    correlatorEnabled: env.oneOf('SITREP_CORRELATOR', ['enabled', 'disabled'], 'enabled') === 'enabled',
    correlatorGroup: env.string('SITREP_CORRELATOR_GROUP', 'sitrep-correlator', {
      regex: /^[A-Za-z0-9._-]{1,200}$/,
      description: 'a Kafka consumer group id',
    }),
    prometheus: loadPrometheusRules(env),
  });
}
