import { randomUUID } from 'node:crypto';
import { ENTRY_KINDS, parseEntryRequest, type EntryRequest } from '@sitrep/contracts';
import { html, type Html } from './html.js';
import type { PageContext } from './layout.js';
import { localInputValue, parseLocalInput } from './zone.js';

const KIND_LABELS: Readonly<Record<(typeof ENTRY_KINDS)[number], string>> = {
  acknowledged: 'Acknowledged',
  escalated: 'Escalated (to someone)',
  note: 'Note',
  action: 'Action taken',
  misleading_path: 'Misleading path (dead end)',
  root_cause: 'Root cause',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  closed: 'Closed (follow-up done)',
  impact_started: 'Impact started (correct the start)',
};

/** What the form sent, kept to show it again beside the problems when it is refused. */
export interface EntryFormValues {
  readonly kind?: string;
  readonly at?: string;
  readonly author?: string;
  readonly text?: string;
  readonly to?: string;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * The form: `at` is in the page's zone (sent along as `tz`), defaults to now and may not be in
 * the future; `id` is fresh for every form shown (the script makes its own), so submitting the
 * same form twice records one entry.
 */
export function entryForm(
  ctx: PageContext,
  incidentId: string,
  values: EntryFormValues = {},
  errors: readonly FieldError[] = [],
): Html {
  const now = localInputValue(ctx.now, ctx.zone);
  const kind = values.kind ?? 'acknowledged';
  const problem = (field: string) => errors.find((error) => error.field === field)?.message;
  const described = (field: string) => (problem(field) ? `err-${field}` : undefined);
  const note = (field: string) => {
    const message = problem(field);
    return message ? html`<span class="status-open" id="err-${field}">${field} ${message}</span>` : '';
  };
  return html`<form
    class="entry-form"
    id="entry-form"
    method="post"
    action="/incidents/${encodeURIComponent(incidentId)}/entries"
  >
    ${errors.length > 0 ? html`<p class="wide notice error" role="alert">The entry was not recorded: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}</p>` : ''}
    <input type="hidden" name="csrf" value="${ctx.session.csrfToken}" />
    <input type="hidden" name="id" value="${randomUUID()}" />
    <input type="hidden" name="tz" value="${ctx.zone}" />
    ${ctx.zoneFromQuery ? html`<input type="hidden" name="keep_tz" value="yes" />` : ''}
    <label for="e-kind"
      >Kind<select id="e-kind" name="kind" aria-describedby="${described('kind')}">
        ${ENTRY_KINDS.map(
          (option) =>
            html`<option value="${option}" ${option === kind ? html` selected` : ''}>${KIND_LABELS[option]}</option>`,
        )}</select
      >${note('kind')}</label
    >
    <label for="e-at"
      >When (${ctx.zone})<input
        id="e-at"
        name="at"
        type="datetime-local"
        step="1"
        value="${values.at ?? now}"
        max="${now}"
        required
        aria-describedby="${described('at')}"
      />${note('at')}</label
    >
    <label for="e-author"
      >Author<input
        id="e-author"
        name="author"
        value="${values.author ?? ''}"
        required
        maxlength="256"
        autocomplete="email"
        aria-describedby="${described('author')}"
      />${note('author')}</label
    >
    <label for="e-to"
      >To (for escalated)<input
        id="e-to"
        name="to"
        value="${values.to ?? ''}"
        maxlength="256"
        aria-describedby="${described('to')}"
      />${note('to')}</label
    >
    <label class="wide" for="e-text"
      >Text<textarea id="e-text" name="text" maxlength="10000" aria-describedby="${described('text')}">
${values.text ?? ''}</textarea
      >${note('text')}</label
    >
    <div class="wide"><button class="primary" type="submit">Add to the timeline</button></div>
  </form>`;
}

const field = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The posted form as the API's entry request, validated by the same contract. `at` is read in
 * the zone the form was shown in; an empty `to` means none (the API wants it only for escalated).
 */
export function entryRequestFromForm(
  body: Record<string, unknown>,
  zone: string,
): { ok: true; value: EntryRequest } | { ok: false; errors: FieldError[]; values: EntryFormValues } {
  const values: EntryFormValues = Object.fromEntries(
    (['kind', 'at', 'author', 'text', 'to'] as const).flatMap((name) => {
      const value = field(body, name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const errors: FieldError[] = [];
  const atText = values.at ?? '';
  const at = atText === '' ? null : parseLocalInput(atText, zone);
  if (atText !== '' && at === null) errors.push({ field: 'at', message: 'must be a date and time' });
  const to = (values.to ?? '').trim();
  const request = {
    kind: values.kind,
    author: values.author ?? '',
    text: values.text ?? '',
    ...(field(body, 'id') ? { id: field(body, 'id') } : {}),
    ...(at ? { at: at.toISOString() } : {}),
    ...(to === '' ? {} : { to }),
  };
  const parsed = parseEntryRequest(request);
  if (!parsed.ok) errors.push(...parsed.issues.map((issue) => ({ field: issue.path, message: issue.message })));
  if (errors.length > 0 || !parsed.ok) return { ok: false, errors, values };
  return { ok: true, value: parsed.value };
}
