import { ERROR_CATALOGUE, MAX_LISTED_PROBLEMS, type ErrorCode, type ErrorStatus } from '@sitrep/contracts';

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
    /** The fields at fault, the first MAX_LISTED_PROBLEMS of them. */
    readonly details?: readonly FieldProblem[];
    /** How many fields were at fault in all, listed or not. */
    readonly detailCount?: number;
  };
}

/** A field path names a sender's key, which may be a megabyte long. */
const MAX_FIELD_CHARS = 256;
const MAX_MESSAGE_CHARS = 1024;

/** The text cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

const clipProblem = (problem: FieldProblem): FieldProblem => ({
  field: clip(problem.field, MAX_FIELD_CHARS),
  message: clip(problem.message, MAX_MESSAGE_CHARS),
});

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ErrorStatus;
  /** The first MAX_LISTED_PROBLEMS problems, each clipped to a bounded length. */
  readonly details: readonly FieldProblem[];
  /** How many problems there were in all. */
  readonly detailCount: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: readonly FieldProblem[]; headers?: Readonly<Record<string, string | string[]>> } = {},
  ) {
    super(clip(message, MAX_MESSAGE_CHARS * 2));
    this.status = ERROR_CODES[code];
    const all = extra.details ?? [];
    this.details = all.slice(0, MAX_LISTED_PROBLEMS).map(clipProblem);
    this.detailCount = all.length;
  }

  toBody(): ApiErrorBody {
    const first = this.details[0];
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(first ? { field: first.field } : {}),
        ...(first ? { details: this.details, detailCount: this.detailCount } : {}),
      },
    };
  }
}

/** 400 naming each field at fault (the first MAX_LISTED_PROBLEMS of them, and how many in all). */
export function invalidPayload(details: readonly FieldProblem[]): ApiError {
  const summary = details
    .slice(0, 3)
    .map((detail) => `${clip(detail.field, MAX_FIELD_CHARS)}: ${clip(detail.message, MAX_FIELD_CHARS)}`)
    .join('; ');
  const more = details.length > 3 ? ` (and ${details.length - 3} more)` : '';
  return new ApiError('invalid_payload', `invalid request body: ${summary}${more}`, { details });
}

/** 503 with Retry-After: the sender should try again (Alertmanager does, with backoff). */
export function unavailable(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError('unavailable', message, { headers: { 'Retry-After': String(retryAfterSeconds) } });
}
