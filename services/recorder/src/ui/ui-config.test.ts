import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader, type Env } from '@sitrep/config';
import { loadRecorderConfig } from '../config.js';

const load = (env: Env) => {
  const reader = new EnvReader({ SITREP_API_TOKEN: 'write-123', ...env });
  const config = loadRecorderConfig(reader);
  reader.finish();
  return config;
};

const failing = (env: Env): string[] => {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => issue.variable);
  }
  throw new Error('expected a ConfigError');
};

describe('the web UI settings', () => {
  it('default to port 9097 (any port when the API takes any), Secure cookies over TLS, 12-hour logins', () => {
    expect(load({}).ui).toEqual({
      port: 9097,
      portIsDefault: true,
      secureCookies: 'auto',
      sessionTtlMs: 12 * 3_600_000,
    });
    expect(load({ SITREP_RECORDER_PORT: '0' }).ui?.port).toBe(0);
  });

  it('are read from SITREP_UI_*, and SITREP_UI=disabled turns the UI off', () => {
    expect(
      load({ SITREP_UI_PORT: '8080', SITREP_UI_COOKIE_SECURE: 'always', SITREP_UI_SESSION_HOURS: '1' }).ui,
    ).toEqual({ port: 8080, portIsDefault: false, secureCookies: 'always', sessionTtlMs: 3_600_000 });
    expect(load({ SITREP_UI: 'disabled', SITREP_UI_PORT: '8080' }).ui).toBeNull();
  });

  it('refuse bad values naming the variable', () => {
    expect(failing({ SITREP_UI_PORT: '70000' })).toEqual(['SITREP_UI_PORT']);
    expect(failing({ SITREP_UI_PORT: '9096' })).toEqual(['SITREP_UI_PORT']);
    expect(failing({ SITREP_UI_COOKIE_SECURE: 'yes' })).toEqual(['SITREP_UI_COOKIE_SECURE']);
    expect(failing({ SITREP_UI_SESSION_HOURS: '0' })).toEqual(['SITREP_UI_SESSION_HOURS']);
    expect(failing({ SITREP_UI: 'off' })).toEqual(['SITREP_UI']);
  });
});
