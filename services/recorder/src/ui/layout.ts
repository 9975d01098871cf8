import { humanDuration } from '@sitrep/domain';
import { html, type Html, type HtmlValue } from './html.js';
import type { Session } from './sessions.js';
import type { UiAssets } from './assets.js';
import { offsetLabel, stamp } from './zone.js';

/** What every page is rendered with. */
export interface PageContext {
  readonly zone: string;
  /** The zone came from `?tz=`: links keep it, so the reader stays in the zone they chose. */
  readonly zoneFromQuery: boolean;
  readonly session: Session;
  readonly assets: UiAssets;
  readonly now: Date;
  readonly path: string;
}

/** A path with query parameters (empty ones left out), keeping `?tz=` when the reader chose it. */
export function href(ctx: PageContext, path: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
  if (ctx.zoneFromQuery && !query.has('tz')) query.set('tz', ctx.zone);
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** An instant, shown in the page's zone with its offset; the script knows it by `datetime`. */
export const timeHtml = (ctx: PageContext, date: Date | null): Html =>
  date === null
    ? html`<span class="muted">—</span>`
    : html`<time datetime="${date.toISOString()}">${stamp(date, ctx.zone)}</time>`;

/** A duration; `ticking` ones (an open incident's) count on in the browser from `since`. */
export function durationHtml(seconds: number | null, ticking?: Date): Html {
  if (ticking) return html`<span data-since="${ticking.toISOString()}">${humanDuration(seconds)}</span>`;
  return html`<span>${humanDuration(seconds)}</span>`;
}

export const statusBadge = (status: string): Html => html`<span class="badge status-${status}">${status}</span>`;
export const severityBadge = (severity: string): Html => html`<span class="badge sev-${severity}">${severity}</span>`;

export function page(ctx: PageContext, title: string, body: HtmlValue, options: { data?: Html } = {}): Html {
  const nav = [
    ['/', 'Incidents'],
    ['/reports', 'Reports'],
  ] as const;
  const current = (path: string) => (ctx.path === path ? 'page' : undefined);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>${title} · Sitrep</title>
        <link rel="stylesheet" href="${ctx.assets.css.path}" />
        ${ctx.assets.js ? html`<script type="module" src="${ctx.assets.js.path}"></script>` : ''}
      </head>
      <body data-zone="${ctx.zone}" data-zone-from-query="${ctx.zoneFromQuery ? 'yes' : 'no'}">
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="${href(ctx, '/')}">Sitrep</a>
          <nav aria-label="Main">
            ${nav.map(
              ([path, label]) => html`<a href="${href(ctx, path)}" aria-current="${current(path)}">${label}</a>`,
            )}
          </nav>
          <div class="who">
            <span class="zone" id="page-zone">Times in ${ctx.zone} (${offsetLabel(ctx.now, ctx.zone)})</span>
            <span>${ctx.session.level === 'write' ? 'Read-write' : 'Read-only'}</span>
            <form method="post" action="/logout">
              <input type="hidden" name="csrf" value="${ctx.session.csrfToken}" /><button type="submit">Log out</button>
            </form>
          </div>
        </header>
        <main id="main">${body}</main>
        ${
          options.data
            ? html`<script type="application/json" id="page-data">
                ${options.data}
              </script>`
            : ''
        }
      </body>
    </html>`;
}

/** The login page: the only one served without a session. */
export function loginPage(assets: UiAssets, options: { error?: string; next?: string }): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>Log in · Sitrep</title>
        <link rel="stylesheet" href="${assets.css.path}" />
        ${assets.js ? html`<script type="module" src="${assets.js.path}"></script>` : ''}
      </head>
      <body>
        <main id="main" class="login">
          <h1>Sitrep</h1>
          <p>
            Log in with the recorder's API token. The read-only token (SITREP_API_READ_TOKEN) shows incidents without
            the forms. With <code>npm start</code> the generated token is in the data directory
            (<code>.sitrep/api-token</code>).
          </p>
          ${options.error ? html`<p class="notice error" role="alert">${options.error}</p>` : ''}
          <form method="post" action="/login">
            <label for="token"
              >API token<input
                id="token"
                name="token"
                type="password"
                autocomplete="current-password"
                required
                autofocus
            /></label>
            <input type="hidden" name="next" value="${options.next ?? '/'}" />
            <button class="primary" type="submit">Log in</button>
          </form>
        </main>
      </body>
    </html>`;
}
