import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODE_LIST, type ErrorCode } from './error-catalogue.js';
import { openApiDocument } from './openapi.js';
import { errorResponses } from './openapi-errors.js';

interface ErrorSchema {
  readonly properties: { readonly error: { readonly properties: { readonly code: { readonly enum: ErrorCode[] } } } };
}

describe('error responses from the catalogue', () => {
  it('gives each status one shared response of exactly its codes, in catalogue order', () => {
    expect(errorResponses('unavailable', 'invalid_payload', 'unauthorized', 'invalid_json')).toEqual({
      '400': { $ref: '#/components/responses/InvalidBody' },
      '401': { $ref: '#/components/responses/Unauthorized' },
      '503': { $ref: '#/components/responses/Unavailable' },
    });
    expect(errorResponses('not_found', 'not_found')).toEqual({ '404': { $ref: '#/components/responses/NotFound' } });
  });

  it('describes every error response of the document by its codes, with their statuses and meaning', () => {
    const schemas: Readonly<Record<string, unknown>> = openApiDocument.components.schemas;
    const { responses } = openApiDocument.components;
    const statuses = new Map<string, Set<number>>();
    for (const item of Object.values(openApiDocument.paths) as object[]) {
      for (const operation of Object.values(item) as { responses?: Record<string, { $ref?: string }> }[]) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          const name = response.$ref?.replace('#/components/responses/', '');
          if (name === undefined) continue;
          statuses.set(name, new Set([...(statuses.get(name) ?? []), Number(status)]));
        }
      }
    }
    expect([...statuses.keys()].sort()).toEqual(Object.keys(responses).sort());
    for (const [name, response] of Object.entries(responses) as [string, { description: string }][]) {
      const schema = schemas[`${name}Error`] as ErrorSchema;
      const codes = schema.properties.error.properties.code.enum;
      expect(codes.length, name).toBeGreaterThan(0);
      expect(codes, name).toEqual(ERROR_CODE_LIST.filter((code) => codes.includes(code)));
      for (const code of codes) {
        expect([...(statuses.get(name) ?? [])], `${name} ${code}`).toEqual([ERROR_CATALOGUE[code].status]);
        expect(response.description, name).toContain(`\`${code}\`: ${ERROR_CATALOGUE[code].description}`);
      }
    }
    // A 503 says when to come back; a 401 how to authenticate.
    expect(responses.Unavailable).toMatchObject({
      headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
    });
    expect(responses.Unauthorized).toMatchObject({
      headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } },
    });
  });
});
