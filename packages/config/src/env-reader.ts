import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from './config-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReaderOptions {
  /** Reads a secret file; injectable so tests need no files. */
  readonly readFile?: (path: string) => string;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Reads typed values out of an environment, collecting every problem instead of stopping at the
 * first, so one start-up attempt tells an operator everything that is wrong. Call `finish()` once
 * all services have read what they need: it throws a ConfigError naming each bad variable, and
 * rejects unknown variables under the given prefixes (a typo like SITREP_INGEST_PROT would
 * otherwise be silently ignored).
 */
export class EnvReader {
  private readonly issues: ConfigIssue[] = [];
  private readonly known = new Set<string>();
  private readonly readFile: (path: string) => string;

  constructor(
    private readonly env: Env,
    options: EnvReaderOptions = {},
  ) {
    this.readFile = options.readFile ?? ((path) => readFileSync(path, 'utf8'));
  }

  /** Records a problem found by a caller's own cross-field check. */
  fail(variable: string, message: string): void {
    // Services sharing one reader read the shared settings each: say a problem once.
    if (this.issues.some((issue) => issue.variable === variable && issue.message === message)) return;
    this.issues.push({ variable, message });
  }

  /** Marks a variable as known without reading it (read by someone else, e.g. OpenTelemetry). */
  allow(...names: string[]): void {
    for (const name of names) this.known.add(name);
  }

  /** Every variable read or allowed so far: what another reader should also accept. */
  knownNames(): string[] {
    return [...this.known];
  }

  private raw(name: string): string | undefined {
    this.known.add(name);
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  optionalString(name: string, pattern?: { regex: RegExp; description: string }): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && pattern && !pattern.regex.test(value)) {
      this.fail(name, `must be ${pattern.description}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  string(name: string, fallback: string, pattern?: { regex: RegExp; description: string }): string {
    return this.optionalString(name, pattern) ?? fallback;
  }

  integer(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.fail(name, `must be an integer, got ${JSON.stringify(value)}`);
      return fallback;
    }
    const parsed = Number(value);
    if (range.min !== undefined && parsed < range.min) {
      this.fail(name, `must be at least ${range.min}, got ${parsed}`);
      return fallback;
    }
    if (range.max !== undefined && parsed > range.max) {
      this.fail(name, `must be at most ${range.max}, got ${parsed}`);
      return fallback;
    }
    return parsed;
  }

  oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    if (match === undefined) {
      this.fail(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return match;
  }

  /** Comma-separated list; empty entries are dropped. */
  list(name: string, fallback: readonly string[] = []): readonly string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** A size such as `1048576`, `512kb` or `1MiB`. */
  bytes(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = /^(\d+)\s*([a-z]*)$/i.exec(value);
    const unit = match ? BYTE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
    if (!match || unit === undefined) {
      this.fail(name, `must be a size such as 1048576, 512kb or 1mb, got ${JSON.stringify(value)}`);
      return fallback;
    }
    const bytes = Number(match[1]) * unit;
    if (bytes <= 0) {
      this.fail(name, 'must be greater than zero');
      return fallback;
    }
    return bytes;
  }

  /**
   * A secret given either inline (`NAME`) or as a file path (`NAME_FILE`, as Kubernetes and Docker
   * secrets mount them). Setting both is refused: which one wins would be a guess.
   */
  secret(name: string): string | undefined {
    const fileVariable = `${name}_FILE`;
    const inline = this.raw(name);
    const path = this.raw(fileVariable);
    if (inline !== undefined && path !== undefined) {
      this.fail(name, `set either ${name} or ${fileVariable}, not both`);
      return undefined;
    }
    if (path === undefined) return inline;
    let content: string;
    try {
      content = this.readFile(path);
    } catch (error) {
      this.fail(fileVariable, `cannot read ${path}: ${(error as Error).message}`);
      return undefined;
    }
    // Files written by editors and `echo` end with a newline that is not part of the secret.
    const secret = content.replace(/\r?\n$/, '');
    if (secret === '') {
      this.fail(fileVariable, `${path} is empty`);
      return undefined;
    }
    return secret;
  }

  /** The variable a secret was read from: `NAME_FILE` when that is set, else `NAME`. */
  sourceOf(name: string): string {
    const fileVariable = `${name}_FILE`;
    return this.env[fileVariable] !== undefined && this.env[fileVariable].trim() !== '' ? fileVariable : name;
  }

  /** The content of the file a variable names, or undefined when unset; unreadable files fail. */
  fileContent(name: string): { path: string; content: string } | undefined {
    const path = this.raw(name);
    if (path === undefined) return undefined;
    try {
      return { path, content: this.readFile(path) };
    } catch (error) {
      this.fail(name, `cannot read ${path}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /**
   * Throws a ConfigError if any read failed or if a variable under one of `prefixes` was never
   * read by anyone.
   */
  finish(prefixes: readonly string[] = ['SITREP_']): void {
    this.refuseUnknown(prefixes);
    if (this.issues.length > 0) throw new ConfigError(this.issues);
  }

  /**
   * Records every set variable under `prefixes` that nobody read or allowed: a family of names
   * outside finish()'s prefixes (KAFKA_SASL_ beside the KAFKA_ ones other programs set) checks
   * itself once all of it has been read.
   */
  refuseUnknown(prefixes: readonly string[]): void {
    const unknown = Object.keys(this.env)
      .filter((name) => prefixes.some((prefix) => name.startsWith(prefix)))
      .filter((name) => !this.known.has(name))
      .sort();
    for (const name of unknown) this.fail(name, 'is not a known setting (misspelt?)');
  }
}
