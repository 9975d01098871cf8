import { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatPath } from '@sitrep/contracts';
import {
  DEFAULT_CORRELATION_SETTINGS,
  DEFAULT_SEVERITY_MAPPING,
  DEFAULT_SIGNAL_RULES,
  DependencyMap,
  SIGNAL_CLASSES,
  type CorrelationSettings,
  type SignalClass,
  type SignalRule,
} from '@sitrep/domain';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, { error: 'must be a duration such as 90s, 5m, 2h or 1d' })
  .transform((text) => {
    const [, amount = '0', unit = 'ms'] = /^(\d+)(ms|s|m|h|d)$/.exec(text) ?? [];
    return Number(amount) * (UNITS[unit] ?? 1);
  });

/**
 * A user's pattern, compiled by RE2 (re2js, pure JavaScript) rather than RegExp: it matches in
 * time linear in the text, so no alert name can make a rule backtrack for minutes. RE2 is also
 * the syntax Prometheus and Alertmanager matchers use, inline flags such as `(?i)` included;
 * what it cannot run in linear time (lookarounds, backreferences) is refused with the key.
 * Unanchored, like RegExp.test: `^` and `$` anchor.
 */
const regex = z.string().transform((source, ctx): { test(text: string): boolean } => {
  try {
    const pattern = RE2JS.compile(source);
    return { test: (text) => pattern.test(text) };
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `is not a valid RE2 regular expression (lookarounds and backreferences are not supported): ${(error as Error).message}`,
    });
    return z.NEVER;
  }
});

const dependency = z
  .string()
  .regex(/^\s*[^\s>]+\s*->\s*[^\s>]+\s*$/, { error: 'must read "caller -> callee", e.g. "auth-lb -> auth"' })
  .transform((text) => text.split('->').map((part) => part.trim()) as [string, string]);

const signalRule = z.strictObject({
  signal: z.enum(SIGNAL_CLASSES as unknown as [SignalClass, ...SignalClass[]]),
  alertname: regex.optional(),
  labels: z.record(z.string(), regex).optional(),
});

const severityList = z.array(z.string().min(1).toLowerCase());

/**
 * The correlation file (YAML or JSON), strict: an unknown key is an error, since a misspelt
 * `quiet_perod` silently falling back to the default would be worse than not starting.
 */
export const correlationFileSchema = z.strictObject({
  scope_labels: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
    .min(1)
    .optional(),
  dependencies: z.array(dependency).optional(),
  signals: z
    .strictObject({
      rules: z.array(signalRule).default([]),
      // Custom rules are tried first; the built-in ones after them unless turned off.
      use_defaults: z.boolean().default(true),
    })
    .optional(),
  severity: z
    .strictObject({
      critical: severityList.optional(),
      warning: severityList.optional(),
      info: severityList.optional(),
      default: z.enum(['critical', 'warning', 'info']).optional(),
    })
    .optional(),
  windows: z
    .strictObject({
      group: duration.optional(),
      quiet_period: duration.optional(),
      reopen: duration.optional(),
      max_incident_age: duration.optional(),
      change_lookback: duration.optional(),
      out_of_order_skew: duration.optional(),
      stale_after: duration.optional(),
    })
    .optional(),
  // Per alertname, the rule's `for:`, for when Prometheus cannot say (no PROMETHEUS_URL, or another
  // Prometheus's rule): the impact began that long before the alert's startsAt.
  alert_for: z.record(z.string().min(1, { error: 'must name an alert' }), duration).optional(),
});

export type CorrelationFile = z.output<typeof correlationFileSchema>;

export class CorrelationConfigError extends Error {
  override readonly name = 'CorrelationConfigError';

  constructor(
    readonly source: string,
    readonly issues: readonly { key: string; message: string }[],
  ) {
    super(`${source}: ${issues.map((issue) => `${issue.key}: ${issue.message}`).join('; ')}`);
  }
}

export function settingsFromFile(file: CorrelationFile): CorrelationSettings {
  const defaults = DEFAULT_CORRELATION_SETTINGS;
  const customRules: SignalRule[] = (file.signals?.rules ?? []).map((rule) => ({
    signal: rule.signal,
    ...(rule.alertname ? { alertname: rule.alertname } : {}),
    ...(rule.labels ? { labels: rule.labels } : {}),
  }));
  const windows = file.windows ?? {};
  return {
    signalRules: [...customRules, ...(file.signals?.use_defaults === false ? [] : DEFAULT_SIGNAL_RULES)],
    scopeLabels: file.scope_labels ?? defaults.scopeLabels,
    dependencies: new DependencyMap(file.dependencies ?? []),
    severity: {
      critical: file.severity?.critical ?? DEFAULT_SEVERITY_MAPPING.critical,
      warning: file.severity?.warning ?? DEFAULT_SEVERITY_MAPPING.warning,
      info: file.severity?.info ?? DEFAULT_SEVERITY_MAPPING.info,
      fallback: file.severity?.default ?? DEFAULT_SEVERITY_MAPPING.fallback,
    },
    groupWindowMs: windows.group ?? defaults.groupWindowMs,
    quietPeriodMs: windows.quiet_period ?? defaults.quietPeriodMs,
    reopenWindowMs: windows.reopen ?? defaults.reopenWindowMs,
    maxIncidentAgeMs: windows.max_incident_age ?? defaults.maxIncidentAgeMs,
    changeLookbackMs: windows.change_lookback ?? defaults.changeLookbackMs,
    outOfOrderSkewMs: windows.out_of_order_skew ?? defaults.outOfOrderSkewMs,
    staleAfterMs: windows.stale_after ?? defaults.staleAfterMs,
    alertForMs: new Map(Object.entries(file.alert_for ?? {})),
  };
}

/** Parses the file's text (YAML, of which JSON is a subset); errors name the key at fault. */
export function parseCorrelationConfig(text: string, source: string): CorrelationSettings {
  let document: unknown;
  try {
    document = parseYaml(text) ?? {};
  } catch (error) {
    throw new CorrelationConfigError(source, [
      { key: '(file)', message: `is not valid YAML: ${(error as Error).message}` },
    ]);
  }
  const result = correlationFileSchema.safeParse(document);
  if (!result.success) {
    throw new CorrelationConfigError(
      source,
      result.error.issues.map((issue) => ({
        key:
          issue.code === 'unrecognized_keys'
            ? [formatPath(issue.path), ...issue.keys].filter((part) => part !== '(body)').join('.')
            : formatPath(issue.path),
        message: issue.code === 'unrecognized_keys' ? 'is not a known key' : issue.message,
      })),
    );
  }
  return settingsFromFile(result.data);
}
