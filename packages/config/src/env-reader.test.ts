import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { EnvReader } from './env-reader.js';

function issuesOf(run: () => void): { variable: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('EnvReader', () => {
  it('returns defaults when variables are unset or blank', () => {
    const reader = new EnvReader({ SITREP_PORT: '  ' });
    expect(reader.integer('SITREP_PORT', 9095)).toBe(9095);
    expect(reader.string('SITREP_HOST', '127.0.0.1')).toBe('127.0.0.1');
    expect(() => reader.finish()).not.toThrow();
  });

  it('names every bad variable in one error', () => {
    const reader = new EnvReader({ SITREP_PORT: 'ninety', SITREP_MODE: 'loud', SITREP_SIZE: '2 parsecs' });
    reader.integer('SITREP_PORT', 1);
    reader.oneOf('SITREP_MODE', ['enabled', 'disabled'], 'enabled');
    reader.bytes('SITREP_SIZE', 1);
    const issues = issuesOf(() => reader.finish());
    expect(issues.map((issue) => issue.variable)).toEqual(['SITREP_PORT', 'SITREP_MODE', 'SITREP_SIZE']);
  });

  it('enforces integer ranges', () => {
    const reader = new EnvReader({ SITREP_PORT: '70000' });
    expect(reader.integer('SITREP_PORT', 9095, { min: 1, max: 65535 })).toBe(9095);
    expect(issuesOf(() => reader.finish())[0]?.message).toMatch(/at most 65535/);
  });

  it('parses sizes with units', () => {
    const reader = new EnvReader({ A: '512kb', B: '1MiB', C: '2048' });
    expect(reader.bytes('A', 0)).toBe(512 * 1024);
    expect(reader.bytes('B', 0)).toBe(1024 * 1024);
    expect(reader.bytes('C', 0)).toBe(2048);
  });

  it('reads secrets inline or from a file, trimming the final newline', () => {
    const files: Record<string, string> = { '/run/secrets/token': 's3cret\n' };
    const reader = new EnvReader(
      { SITREP_TOKEN_FILE: '/run/secrets/token', SITREP_OTHER: 'inline' },
      { readFile: (path) => files[path] ?? '' },
    );
    expect(reader.secret('SITREP_TOKEN')).toBe('s3cret');
    expect(reader.secret('SITREP_OTHER')).toBe('inline');
  });

  it('refuses a secret set both inline and as a file, and unreadable or empty files', () => {
    const reader = new EnvReader(
      { A: 'x', A_FILE: '/a', B_FILE: '/missing', C_FILE: '/empty' },
      {
        readFile: (path) => {
          if (path === '/empty') return '\n';
          throw new Error('ENOENT');
        },
      },
    );
    reader.secret('A');
    reader.secret('B');
    reader.secret('C');
    const issues = issuesOf(() => reader.finish());
    expect(issues.map((issue) => issue.variable)).toEqual(['A', 'B_FILE', 'C_FILE']);
  });

  it('rejects unknown variables under the prefix, so typos do not pass silently', () => {
    const reader = new EnvReader({ SITREP_INGEST_PROT: '1', PATH: '/bin' });
    reader.integer('SITREP_INGEST_PORT', 9095);
    const issues = issuesOf(() => reader.finish());
    expect(issues.map((issue) => issue.variable)).toEqual(['SITREP_INGEST_PROT']);
    expect(issues[0]?.message).toMatch(/not a known/);
  });

  it('splits lists and drops empty entries', () => {
    const reader = new EnvReader({ KAFKA_BROKERS: 'a:9092, b:9092,,' });
    expect(reader.list('KAFKA_BROKERS')).toEqual(['a:9092', 'b:9092']);
  });
});
