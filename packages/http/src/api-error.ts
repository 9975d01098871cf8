/**
 * The error catalogue: every error a Sitrep HTTP API returns has a stable `code` (clients and
 * tests match on it, never on the message) and a fixed status. Statuses follow what Alertmanager
 * does with them: it retries 5xx and network errors only, so 4xx means "never retry this".
 */
export const ERROR_CODES = {
  invalid_json: 400,
  invalid_payload: 400,
  invalid_query: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  /** JSON path of the field at fault, e.g. `alerts[0].startsAt`. */
  readonly field: string;
  readonly message: string;
}

export interface ApiErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    /** The first field at fault, for clients that show one. */
    readonly field?: string;
    /** Every field at fault. */
    readonly details?: readonly FieldProblem[];
  };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: readonly FieldProblem[]; headers?: Readonly<Record<string, string | string[]>> } = {},
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }

  toBody(): ApiErrorBody {
    const details = this.extra.details;
    const first = details?.[0];
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(first ? { field: first.field } : {}),
        ...(details && details.length > 0 ? { details } : {}),
      },
    };
  }
}

/** 400 naming each field at fault. */
export function invalidPayload(details: readonly FieldProblem[]): ApiError {
  const summary = details
    .slice(0, 3)
    .map((detail) => `${detail.field}: ${detail.message}`)
    .join('; ');
  const more = details.length > 3 ? ` (and ${details.length - 3} more)` : '';
  return new ApiError('invalid_payload', `invalid request body: ${summary}${more}`, { details });
}

/** 503 with Retry-After: the sender should try again (Alertmanager does, with backoff). */
export function unavailable(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError('unavailable', message, { headers: { 'Retry-After': String(retryAfterSeconds) } });
}
