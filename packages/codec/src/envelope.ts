import type { OutgoingMessageTo } from '@sitrep/bus';
import { HEADERS } from '@sitrep/contracts';

/** A record ready for the bus, headers always set. */
export type EncodedMessage = OutgoingMessageTo & {
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
};

/**
 * Every record Sitrep writes goes through here: the key, the JSON value, and the headers a
 * reader relies on (`sitrep-id` to de-duplicate, `sitrep-schema` to refuse a format it does not
 * know, the content type) plus the producer's trace context, so no writer can forget one.
 */
export function envelope(
  key: string,
  record: { readonly schema: string },
  id: string,
  trace: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): EncodedMessage {
  return {
    key,
    value: JSON.stringify(record),
    headers: {
      ...trace,
      ...extra,
      [HEADERS.id]: id,
      [HEADERS.schema]: record.schema,
      [HEADERS.contentType]: 'application/json',
    },
  };
}
