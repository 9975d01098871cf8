import { ERROR_CATALOGUE, type ErrorCode, type ErrorStatus } from '@sitrep/contracts';

export type { ErrorCode };

/**
 * Each code's status, from the error catalogue in @sitrep/contracts: the statuses this package
 * answers with are the ones the OpenAPI document declares.
 */
export const ERROR_CODES = Object.freeze(
  Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, { status }]) => [code, status])),
) as { readonly [Code in ErrorCode]: ErrorStatus<Code> };

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
  readonly status: ErrorStatus;

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
