/**
 * The error catalogue: every error a Sitrep HTTP API returns has a stable `code` (clients and
 * tests match on it, never on the message) and a fixed status. Statuses follow what Alertmanager
 * does with them: it retries 5xx and network errors only, so 4xx means "never retry this".
 *
 * It is a wire format, so it lives here: @sitrep/http answers with these statuses and the OpenAPI
 * document describes its error responses from the same entries.
 */
export const ERROR_CATALOGUE = {
  invalid_json: { status: 400, description: 'The body is not JSON, or it ended early.' },
  invalid_payload: {
    status: 400,
    description: 'A field of the body is missing or wrong; `field` names the first, `details` lists each.',
  },
  invalid_query: {
    status: 400,
    description: 'A query parameter is wrong; `field` names the first, `details` lists each.',
  },
  unauthorized: { status: 401, description: 'Missing or wrong credentials.' },
  forbidden: { status: 403, description: 'These credentials may not do this (a read-only token tried to write).' },
  not_found: { status: 404, description: 'No such path, or nothing with that id (an unknown incident).' },
  method_not_allowed: {
    status: 405,
    description: 'The path does not take this method; `Allow` lists the ones it takes.',
  },
  conflict: {
    status: 409,
    description: 'An id in the body is already used by something else (an entry id on another incident).',
  },
  payload_too_large: { status: 413, description: 'The body is over the size limit.' },
  unsupported_media_type: { status: 415, description: 'The Content-Type is not JSON.' },
  internal: { status: 500, description: 'A bug on Sitrep’s side; the request may be retried.' },
  unavailable: {
    status: 503,
    description: 'The bus or the store is unreachable or slow; retry after `Retry-After`.',
  },
} as const satisfies Readonly<Record<string, { readonly status: number; readonly description: string }>>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The HTTP status of each code. */
export type ErrorStatus<Code extends ErrorCode = ErrorCode> = (typeof ERROR_CATALOGUE)[Code]['status'];

/**
 * An error body lists at most this many problems in `details` and gives their number in
 * `detailCount`: a 300 KB body of 75,000 empty alerts has some 225,000 of them.
 */
export const MAX_LISTED_PROBLEMS = 20;

/** Every code, in catalogue order (the order the document lists them in). */
export const ERROR_CODE_LIST = Object.keys(ERROR_CATALOGUE) as readonly ErrorCode[];
