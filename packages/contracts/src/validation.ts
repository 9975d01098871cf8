import { z } from 'zod';

/** One problem in a payload, with the JSON path of the field at fault (`alerts[0].startsAt`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly FieldIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? '(body)' : out;
}

/** What a record key's problem says: zod's own "Invalid key in record" names no reason. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0];
    if (inner) return `the name ${inner.message}`;
  }
  return issue.message;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issueMessage(issue) })),
  };
}

interface WellFormed {
  isWellFormed(): boolean;
}

/**
 * Whether every reader stores the text and reads it back exactly: no NUL (PostgreSQL's text
 * refuses it) and no unpaired UTF-16 surrogate (UTF-8 cannot encode one, so the bus and the
 * stores would give back U+FFFD instead). Linear in the text.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && (text as unknown as WellFormed).isWellFormed();
}

export const STORABLE_TEXT_PROBLEM = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** A string every reader can store (see isStorableText); `error` replaces zod's type message. */
export function storableText(error?: string) {
  return z.string(error === undefined ? undefined : { error }).refine(isStorableText, { error: STORABLE_TEXT_PROBLEM });
}

/**
 * A record (label set) of storable names and values. JSON.parse makes `__proto__` an own key,
 * which zod (like any plain object) silently drops: refused instead, naming it.
 */
export function storableLabels(valueError?: string, name: z.ZodString = storableText()) {
  const record = z.record(name, storableText(valueError));
  return z
    .unknown()
    .superRefine((input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is a name no label can have' });
      }
    })
    .pipe(record);
}

/**
 * An enum on a record another Sitrep version may write: a value this version does not know
 * reads as `fallback` instead of failing the record (during a rolling upgrade a newer correlator
 * may emit a signal class the recorder does not know yet; dead-lettering would cut the
 * incident's tail). Anything that is not a string still fails. JSON Schema shows the known values.
 */
export function tolerantEnum<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  const known = new Set<string>(values);
  return z.preprocess((value) => (typeof value === 'string' && !known.has(value) ? fallback : value), z.enum(values));
}
