import { ERROR_CATALOGUE, ERROR_CODE_LIST, MAX_LISTED_PROBLEMS, type ErrorCode } from './error-catalogue.js';
import { json, ref } from './openapi-shared.js';

/*
 * The document's error responses, generated from the error catalogue so that codes, statuses and
 * their meaning have one source. An operation names the codes it can answer (`errorResponses`);
 * each status gets a shared response, named after its codes, whose body admits exactly them.
 */

/** Headers a code comes with, as the services send them. */
const ERROR_HEADERS: Partial<
  Record<ErrorCode, { readonly name: string; readonly component: string; readonly header: object }>
> = {
  unauthorized: {
    name: 'WWW-Authenticate',
    component: 'WwwAuthenticate',
    header: {
      description: 'One challenge per accepted scheme, e.g. `Bearer realm="sitrep"`.',
      required: true,
      schema: { type: 'string' },
    },
  },
  method_not_allowed: {
    name: 'Allow',
    component: 'Allow',
    header: { description: 'The methods the path takes, e.g. `GET`.', required: true, schema: { type: 'string' } },
  },
  unavailable: {
    name: 'Retry-After',
    component: 'RetryAfter',
    header: {
      description: 'Seconds to wait before retrying (`SITREP_RETRY_AFTER_SECONDS`).',
      required: true,
      schema: { type: 'string', pattern: '^\\d+$' },
    },
  },
};

const RESPONSES = '#/components/responses/';

const pascal = (code: ErrorCode): string =>
  code
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * Names of responses that admit several codes, where joining the codes' names would be clumsy.
 * Clients generate type names from these, so a name, once served, stays.
 */
const GROUP_NAMES: Readonly<Record<string, string>> = { 'invalid_json invalid_payload': 'InvalidBody' };

const responseName = (codes: readonly ErrorCode[]): string =>
  GROUP_NAMES[codes.join(' ')] ?? codes.map(pascal).join('Or');

/** The code sets behind each response name handed out, so the components can be built from the names used. */
const responseCodes = new Map<string, readonly ErrorCode[]>();

/**
 * An operation's error responses, by status, for the codes it can answer: each a reference to the
 * shared response of exactly the codes of that status (`NotFound`, `InvalidBody` for 400 of a JSON
 * body).
 */
export function errorResponses(...codes: readonly ErrorCode[]): Readonly<Record<string, { readonly $ref: string }>> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODE_LIST.filter((candidate) => codes.includes(candidate))) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, { readonly $ref: string }> = {};
  for (const [status, group] of byStatus) {
    const name = responseName(group);
    responseCodes.set(name, group);
    responses[String(status)] = { $ref: `${RESPONSES}${name}` };
  }
  return responses;
}

const firstIndex = (codes: readonly ErrorCode[]): number => ERROR_CODE_LIST.findIndex((code) => codes.includes(code));

/** Every `$ref` to a shared response in the operations of `paths`. */
function responseNamesUsed(paths: object): Set<string> {
  const names = new Set<string>();
  for (const item of Object.values(paths) as object[]) {
    for (const operation of Object.values(item) as unknown[]) {
      const responses = (operation as { responses?: object }).responses ?? {};
      for (const response of Object.values(responses) as { $ref?: unknown }[]) {
        if (typeof response.$ref === 'string' && response.$ref.startsWith(RESPONSES)) {
          names.add(response.$ref.slice(RESPONSES.length));
        }
      }
    }
  }
  return names;
}

/**
 * The components behind the error responses the operations of `paths` use: the responses, their
 * body schemas (each admitting only its codes) and the headers that come with them, in catalogue
 * order.
 */
export function errorComponents(paths: object) {
  const used = [...responseNamesUsed(paths)]
    .filter((name) => responseCodes.has(name))
    .map((name) => ({ name, codes: responseCodes.get(name) ?? [] }))
    .sort((a, b) => firstIndex(a.codes) - firstIndex(b.codes));
  const responses: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  const headers: Record<string, object> = {};
  for (const { name, codes } of used) {
    const sent = codes.flatMap((code) => ERROR_HEADERS[code] ?? []);
    for (const { component, header } of sent) headers[component] = header;
    responses[name] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].description}`).join(' '),
      ...(sent.length > 0
        ? {
            headers: Object.fromEntries(
              sent.map(({ name: header, component }) => [header, { $ref: `#/components/headers/${component}` }]),
            ),
          }
        : {}),
      content: json(ref(`${name}Error`)),
    };
    schemas[`${name}Error`] = {
      allOf: [ref('Error')],
      type: 'object',
      properties: { error: { type: 'object', properties: { code: { enum: codes } } } },
    };
  }
  return { responses, headers, schemas };
}

/** The error body every error response has; each response's schema narrows `code`. */
export const errorSchemas = {
  ErrorCode: {
    description: 'Stable error codes: clients match on these, never on the message.',
    enum: ERROR_CODE_LIST,
  },
  FieldProblem: {
    type: 'object',
    additionalProperties: false,
    required: ['field', 'message'],
    properties: {
      field: {
        type: 'string',
        description: 'JSON path of the body field (`alerts[0].startsAt`), or the query parameter name.',
      },
      message: { type: 'string' },
    },
  },
  Error: {
    type: 'object',
    additionalProperties: false,
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'message'],
        properties: {
          code: ref('ErrorCode'),
          message: { type: 'string' },
          field: { type: 'string', description: 'The first field at fault.' },
          details: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_LISTED_PROBLEMS,
            items: ref('FieldProblem'),
            description: `The fields at fault: the first ${MAX_LISTED_PROBLEMS} of them (\`detailCount\` says how many there were).`,
          },
          detailCount: {
            type: 'integer',
            minimum: 1,
            description: 'How many fields were at fault in all; sent with `details`.',
          },
        },
      },
    },
  },
} as const;
