import { z } from 'zod';
import { rfc3339, recordInstant } from './time.js';
import {
  isStorableText,
  parseWith,
  STORABLE_TEXT_PROBLEM,
  storableLabels,
  storableText,
  type ParseResult,
} from './validation.js';

export const CHANGE_RECORD_SCHEMA_NAME = 'sitrep.change.v1';

const labelName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Body of `POST /api/v1/changes`: a deploy, a config change, a flag flip. */
/**
 * An http(s) URL spelt in RFC 3986's characters (anything else percent-encoded), as the OpenAPI
 * document's `format: uri` says: WHATWG URL parsing alone takes `https://Ï` and `http://a\\b`.
 */
export const HTTP_LINK_PATTERN = "^https?://([A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+$";
const HTTP_LINK = new RegExp(HTTP_LINK_PATTERN);

function isHttpLink(value: string): boolean {
  if (!HTTP_LINK.test(value) || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

export const changeRequestSchema = z.object({
  /** Optional sender-chosen id, so a retried notification is recognised as the same change. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'must be 1-128 characters of letters, digits, . _ : -' })
    .optional(),
  service: storableText().trim().min(1, { error: 'must not be empty' }).max(256),
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, {
    error: 'must be a lower-case word such as deploy, config, feature_flag, rollback',
  }),
  summary: storableText().trim().min(1, { error: 'must not be empty' }).max(1024),
  at: rfc3339,
  labels: storableLabels(
    undefined,
    z.string().regex(labelName, { error: 'must match [A-Za-z_][A-Za-z0-9_]*' }),
  ).default({}),
  link: z
    .string()
    .refine(isHttpLink, {
      error: 'must be an http(s) URL (in RFC 3986 characters: percent-encode the rest)',
      abort: true,
    })
    .refine(isStorableText, { error: STORABLE_TEXT_PROBLEM })
    .optional(),
});

export type ChangeRequest = z.output<typeof changeRequestSchema>;

export function parseChangeRequest(body: unknown): ParseResult<ChangeRequest> {
  return parseWith(changeRequestSchema, body);
}

/** Value of each record on `sitrep.changes.v1` (key: the service). */
export interface ChangeRecordV1 {
  readonly schema: typeof CHANGE_RECORD_SCHEMA_NAME;
  readonly id: string;
  readonly service: string;
  readonly kind: string;
  readonly summary: string;
  readonly at: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly link: string | null;
  readonly receivedAt: string;
}

const instant = {
  type: 'string',
  format: 'date-time',
  description: 'UTC instant, from 1970-01-01 to 9999-12-31',
} as const;

/** JSON Schema (2020-12) of ChangeRecordV1. */
export const changeRecordJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://sitrep.dev/schemas/sitrep.change.v1.json',
  title: 'Sitrep change record v1',
  description: 'Value of each record on the sitrep.changes.v1 topic. Key: the service. Header sitrep-id: the id below.',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'id', 'service', 'kind', 'summary', 'at', 'labels', 'link', 'receivedAt'],
  properties: {
    schema: { const: CHANGE_RECORD_SCHEMA_NAME },
    id: { type: 'string', description: "The sender's id, or sha256(service, kind, at, summary) when it gave none." },
    service: { type: 'string' },
    kind: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{0,63}$' },
    summary: { type: 'string' },
    at: { ...instant, description: 'When the change took effect.' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    link: { type: ['string', 'null'] },
    receivedAt: instant,
  },
} as const;

/** For consumers: parses and checks a record read from the changes topic. */
export const changeRecordSchema = z.object({
  schema: z.literal(CHANGE_RECORD_SCHEMA_NAME),
  id: storableText().min(1),
  service: storableText().min(1),
  kind: storableText().min(1),
  summary: storableText(),
  at: recordInstant,
  labels: z.record(storableText(), storableText()),
  link: storableText().nullable(),
  receivedAt: recordInstant,
});

export function parseChangeRecord(value: unknown): ParseResult<ChangeRecordV1> {
  return parseWith(changeRecordSchema, value);
}
