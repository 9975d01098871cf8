import { parse as parseYaml } from 'yaml';
import type { CorrelationSettings } from '@sitrep/domain';
import { CorrelationConfigError, parseCorrelationConfig } from '../correlation/correlation-config.js';

export class SweepError extends Error {
  override readonly name = 'SweepError';

  constructor(
    readonly spec: string,
    detail: string,
  ) {
    super(`--sweep ${spec}: ${detail}`);
  }
}

/** One correlation file key and the values to try it with: `windows.group=5m,10m,20m`. */
export interface SweepSpec {
  /** The key as the correlation file spells it, sections joined by dots. */
  readonly key: string;
  readonly values: readonly string[];
}

export interface SweptSettings {
  readonly key: string;
  readonly value: string;
  readonly settings: CorrelationSettings;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function parseSweep(spec: string): SweepSpec {
  const equals = spec.indexOf('=');
  const key = spec.slice(0, equals).trim();
  if (equals < 0 || !KEY.test(key)) {
    throw new SweepError(
      spec,
      'must read key=value1,value2,... with a correlation file key, e.g. windows.group=5m,10m,20m',
    );
  }
  const values = spec
    .slice(equals + 1)
    .split(',')
    .map((value) => value.trim());
  if (values.some((value) => value === '')) throw new SweepError(spec, 'every value must be non-empty');
  return { key, values };
}

const isSection = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The correlation file with `key` set to each value in turn, each read by the very parser the
 * file goes through: a swept value is checked (and its errors named) as if it were written in
 * the file. Values are YAML scalars, as in the file (`5m`, `true`). Without a base file, the
 * defaults with these scope labels (what SITREP_SCOPE_LABEL gave) are swept.
 */
export function sweepSettings(
  base: { readonly text: string; readonly source: string } | undefined,
  scopeLabels: readonly string[],
  sweep: SweepSpec,
): SweptSettings[] {
  const spec = `${sweep.key}=${sweep.values.join(',')}`;
  const source = base?.source ?? 'the default correlation settings';
  return sweep.values.map((value) => {
    const document: unknown = base === undefined ? { scope_labels: [...scopeLabels] } : (parseYaml(base.text) ?? {});
    if (!isSection(document)) throw new SweepError(spec, `${source} is not a mapping of keys`);
    const path = sweep.key.split('.');
    let section: Record<string, unknown> = document;
    path.slice(0, -1).forEach((name, depth) => {
      const next = section[name] ?? {};
      if (!isSection(next))
        throw new SweepError(spec, `${path.slice(0, depth + 1).join('.')} is not a section of keys`);
      section[name] = next;
      section = next;
    });
    section[path.at(-1) ?? sweep.key] = parseYaml(value) as unknown;
    let settings: CorrelationSettings;
    try {
      settings = parseCorrelationConfig(JSON.stringify(document), `${source} with ${sweep.key}=${value}`);
    } catch (error) {
      if (!(error instanceof CorrelationConfigError)) throw error;
      throw new SweepError(spec, error.issues.map((issue) => `${issue.key}: ${issue.message}`).join('; '));
    }
    // Ingest keys records by the first scope label: the same rule as the correlation file's.
    if (settings.scopeLabels[0] !== scopeLabels[0]) {
      throw new SweepError(spec, `scope_labels must start with ${scopeLabels[0] ?? 'service'}`);
    }
    return { key: sweep.key, value, settings };
  });
}
