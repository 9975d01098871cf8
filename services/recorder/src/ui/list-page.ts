import { CURSOR_PATTERN } from '@sitrep/contracts';
import { INCIDENT_STATUSES, incidentDurations, type IncidentStatus } from '@sitrep/domain';
import type { IncidentFilter, IncidentRow } from '@sitrep/store';
import { SEVERITIES } from '../api/incidents-router.js';
import { rowStatus, statusOfRow } from '../status.js';
import { html, type Html } from './html.js';
import { durationHtml, href, page, severityBadge, statusBadge, timeHtml, type PageContext } from './layout.js';

export const PERIODS = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const;
export type Period = keyof typeof PERIODS | 'all';
const PERIOD_NAMES: readonly Period[] = ['24h', '7d', '30d', '90d', 'all'];
const CURSOR = new RegExp(CURSOR_PATTERN);

/** The list's filters as the URL holds them; a value that is not one of the choices is left out. */
export interface ListFilters {
  readonly status?: IncidentStatus;
  readonly service?: string;
  readonly severity?: (typeof SEVERITIES)[number];
  readonly period: Period;
  readonly cursor?: string;
}

const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

export function readListFilters(query: Record<string, unknown>): ListFilters {
  const service = typeof query.service === 'string' && query.service.trim() !== '' ? query.service.trim() : undefined;
  const cursor = typeof query.cursor === 'string' && CURSOR.test(query.cursor) ? query.cursor : undefined;
  const status = pick(query.status, INCIDENT_STATUSES);
  const severity = pick(query.severity, SEVERITIES);
  return {
    period: pick(query.period, PERIOD_NAMES) ?? 'all',
    ...(status ? { status } : {}),
    ...(service && service.length <= 256 ? { service } : {}),
    ...(severity ? { severity } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

export function storeFilter(filters: ListFilters, now: Date, limit = 100): IncidentFilter {
  return {
    limit,
    ...(filters.status ? { status: rowStatus(filters.status) } : {}),
    ...(filters.service ? { service: filters.service } : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
    ...(filters.period === 'all' ? {} : { since: new Date(now.getTime() - PERIODS[filters.period]) }),
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
  };
}

const isOpen = (row: IncidentRow): boolean => row.status === 'open' || row.status === 'resolving';
const needsAck = (row: IncidentRow): boolean => isOpen(row) && row.acknowledgedAt === null;

/** Unacknowledged open incidents first (someone must act), then the rest; newest first within each. */
export const listOrder = (rows: readonly IncidentRow[]): IncidentRow[] =>
  [...rows].sort((a, b) => Number(needsAck(b)) - Number(needsAck(a)) || b.startedAt.getTime() - a.startedAt.getTime());

function row(ctx: PageContext, incident: IncidentRow): Html {
  const durations = incidentDurations(incident, ctx.now);
  const open = isOpen(incident);
  const link = href(ctx, `/incidents/${encodeURIComponent(incident.id)}`);
  return html`<tr class="row${needsAck(incident) ? ' unacked' : ''}" data-id="${incident.id}">
    <td>${statusBadge(statusOfRow(incident.status))}</td>
    <td>${severityBadge(incident.severity)}</td>
    <td><a class="row-link" href="${link}">${incident.services.join(', ')}</a></td>
    <td>${timeHtml(ctx, incident.startedAt)}</td>
    <td class="num">${durationHtml(durations.duration, open ? incident.startedAt : undefined)}</td>
    <td class="num">${durationHtml(durations.timeToDetect)}</td>
    <td>
      ${incident.acknowledgedAt === null ? html`<strong class="${open ? 'status-open' : 'muted'}">not acknowledged</strong>` : timeHtml(ctx, incident.acknowledgedAt)}
    </td>
  </tr>`;
}

function filterForm(ctx: PageContext, filters: ListFilters): Html {
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/" aria-label="Filters">
    <label for="f-status"
      >Status<select id="f-status" name="status">
        ${option('', 'any', filters.status === undefined)}${INCIDENT_STATUSES.map((status) => option(status, status, filters.status === status))}
      </select></label
    >
    <label for="f-severity"
      >Severity<select id="f-severity" name="severity">
        ${option('', 'any', filters.severity === undefined)}${SEVERITIES.map((severity) => option(severity, severity, filters.severity === severity))}
      </select></label
    >
    <label for="f-service"
      >Service<input id="f-service" name="service" value="${filters.service ?? ''}" placeholder="exact name"
    /></label>
    <label for="f-period"
      >Started within<select id="f-period" name="period">
        ${PERIOD_NAMES.map((period) => option(period, period === 'all' ? 'any time' : `last ${period}`, filters.period === period))}
      </select></label
    >
    ${ctx.zoneFromQuery ? html`<input type="hidden" name="tz" value="${ctx.zone}" />` : ''}
    <button type="submit">Filter</button>
    <a href="${href(ctx, '/')}">Clear</a>
  </form>`;
}

/** The rows alone: what the live update swaps in. */
export const listRows = (ctx: PageContext, rows: readonly IncidentRow[]): Html =>
  rows.length === 0
    ? html`<tr>
        <td colspan="7" class="muted">No incidents match.</td>
      </tr>`
    : html`${listOrder(rows).map((incident) => row(ctx, incident))}`;

export function listPage(
  ctx: PageContext,
  filters: ListFilters,
  rows: readonly IncidentRow[],
  nextCursor: string | null,
): Html {
  const unacked = rows.filter(needsAck).length;
  const { cursor: _cursor, ...kept } = filters;
  const more =
    nextCursor === null
      ? ''
      : html`<p>
          <a
            href="${href(ctx, '/', { ...kept, period: filters.period === 'all' ? undefined : filters.period, cursor: nextCursor })}"
            >Older incidents</a
          >
        </p>`;
  return page(
    ctx,
    'Incidents',
    html`<h1>Incidents</h1>
      <p class="muted" aria-live="polite" id="list-status">
        ${rows.length}
        shown${unacked > 0 ? html`, <strong>${unacked} open and not acknowledged</strong> (listed first)` : ''}. Updates
        live; keys <kbd>j</kbd>/<kbd>k</kbd> move between incidents, <kbd>Enter</kbd> opens one.
      </p>
      ${filterForm(ctx, filters)}
      <div class="scroll" tabindex="0" role="region" aria-label="Incidents">
        <table class="incidents">
          <caption class="skip">
            Incidents, unacknowledged open ones first
          </caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Severity</th>
              <th scope="col">Services</th>
              <th scope="col">Impact start</th>
              <th scope="col" class="num">Duration</th>
              <th scope="col" class="num">Time to detect</th>
              <th scope="col">Acknowledged</th>
            </tr>
          </thead>
          <tbody id="incident-rows">
            ${listRows(ctx, rows)}
          </tbody>
        </table>
      </div>
      ${more}`,
  );
}
