import { describe, expect, it } from 'vitest';
import { isAuthorized, secretEquals, type AuthPolicy } from './auth.js';

const basicHeader = (userAndPassword: string): string =>
  `Basic ${Buffer.from(userAndPassword, 'utf8').toString('base64')}`;

describe('secretEquals', () => {
  it('is true for equal secrets', () => {
    expect(secretEquals('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretEquals('', '')).toBe(true);
  });

  it('is false for different secrets of the same length', () => {
    expect(secretEquals('s3cret-token', 's3cret-tokeN')).toBe(false);
  });

  it('is false for secrets of different lengths, without throwing', () => {
    expect(secretEquals('s3cret', 's3cret-token')).toBe(false);
    expect(secretEquals('s3cret-token-and-more', 's3cret-token')).toBe(false);
    expect(secretEquals('', 's3cret-token')).toBe(false);
  });
});

describe('isAuthorized', () => {
  const bearerOnly: AuthPolicy = { mode: 'enabled', bearerTokens: ['tok-one', 'tok-two'] };
  const both: AuthPolicy = {
    mode: 'enabled',
    bearerTokens: ['tok-one'],
    basic: { username: 'alertmanager', password: 'pa:ss:word' },
  };

  it('accepts any configured bearer token', () => {
    expect(isAuthorized(bearerOnly, 'Bearer tok-one')).toBe(true);
    expect(isAuthorized(bearerOnly, 'Bearer tok-two')).toBe(true);
  });

  it('treats the scheme case-insensitively', () => {
    expect(isAuthorized(bearerOnly, 'bearer tok-one')).toBe(true);
    expect(isAuthorized(bearerOnly, 'BEARER tok-one')).toBe(true);
  });

  it('rejects a wrong or missing bearer token', () => {
    expect(isAuthorized(bearerOnly, 'Bearer tok-three')).toBe(false);
    expect(isAuthorized(bearerOnly, 'Bearer tok-on')).toBe(false);
    expect(isAuthorized(bearerOnly, 'Bearer ')).toBe(false);
    expect(isAuthorized(bearerOnly, 'Bearer')).toBe(false);
    expect(isAuthorized(bearerOnly, undefined)).toBe(false);
    expect(isAuthorized(bearerOnly, '')).toBe(false);
  });

  it('rejects a token sent with an unknown scheme', () => {
    expect(isAuthorized(bearerOnly, 'Token tok-one')).toBe(false);
  });

  it('accepts basic credentials whose password contains colons', () => {
    expect(isAuthorized(both, basicHeader('alertmanager:pa:ss:word'))).toBe(true);
    expect(isAuthorized(both, `basic ${Buffer.from('alertmanager:pa:ss:word').toString('base64')}`)).toBe(true);
  });

  it('rejects wrong basic credentials', () => {
    expect(isAuthorized(both, basicHeader('alertmanager:pa:ss'))).toBe(false);
    expect(isAuthorized(both, basicHeader('prometheus:pa:ss:word'))).toBe(false);
    expect(isAuthorized(both, basicHeader('alertmanager:'))).toBe(false);
  });

  it('rejects basic credentials without a colon or with malformed base64', () => {
    expect(isAuthorized(both, basicHeader('alertmanager'))).toBe(false);
    expect(isAuthorized(both, 'Basic %%%not-base64%%%')).toBe(false);
    expect(isAuthorized(both, 'Basic ')).toBe(false);
  });

  it('rejects basic credentials when only bearer tokens are configured', () => {
    expect(isAuthorized(bearerOnly, basicHeader('tok-one:tok-one'))).toBe(false);
  });

  it('accepts either scheme when both are configured', () => {
    expect(isAuthorized(both, 'Bearer tok-one')).toBe(true);
    expect(isAuthorized(both, basicHeader('alertmanager:pa:ss:word'))).toBe(true);
  });

  it('accepts everything when auth is disabled', () => {
    const disabled: AuthPolicy = { mode: 'disabled' };
    expect(isAuthorized(disabled, undefined)).toBe(true);
    expect(isAuthorized(disabled, 'Bearer anything')).toBe(true);
  });
});
