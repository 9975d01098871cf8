import { DateTime } from 'luxon';
import { humanDuration, reliabilityReport, type ReliabilityGroup, type ReportedIncident } from '@sitrep/domain';
import { html, trusted, type Html } from './html.js';
import { href, page, type PageContext } from './layout.js';
import type { Period } from './list-page.js';
import { METRICS, weeklyTrend } from './reports-model.js';
import { renderTrendSvg } from './trend-svg.js';

export const REPORT_PERIODS: readonly Exclude<Period, '24h'>[] = ['7d', '30d', '90d', 'all'];

export interface ReportInput {
  readonly period: Exclude<Period, '24h'>;
  readonly incidents: readonly { readonly startedAt: Date; readonly reported: ReportedIncident }[];
}

function groupTable(caption: string, groups: readonly ReliabilityGroup[], link: (key: string) => string): Html {
  const stat = (seconds: number | null) => humanDuration(seconds);
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${caption}">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col" rowspan="2">${caption.replace(/^By /, '')}</th>
          <th scope="col" rowspan="2" class="num">Incidents</th>
          ${METRICS.map((metric) => html`<th scope="colgroup" colspan="3" class="num"><abbr title="${metric.title}">${metric.name}</abbr></th>`)}
        </tr>
        <tr>
          ${METRICS.map(
            () =>
              html`<th scope="col" class="num">mean</th>
                <th scope="col" class="num">median</th>
                <th scope="col" class="num">p90</th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${
          groups.length === 0
            ? html`<tr>
                <td colspan="14" class="muted">No incidents started in this period.</td>
              </tr>`
            : groups.map(
                (group) =>
                  html`<tr>
                    <th scope="row"><a href="${link(group.key)}">${group.key || '(none)'}</a></th>
                    <td class="num"><a href="${link(group.key)}">${group.incidents}</a></td>
                    ${METRICS.map((metric) => {
                      const stats = group[metric.key];
                      return html`<td class="num">
                          <a
                            href="${link(group.key)}"
                            title="${metric.name} over ${stats.count} of ${group.incidents} incidents"
                            >${stat(stats.mean)}</a
                          >
                        </td>
                        <td class="num">${stat(stats.median)}</td>
                        <td class="num">${stat(stats.p90)}</td>`;
                    })}
                  </tr>`,
              )
        }
      </tbody>
    </table>
  </div>`;
}

export function reportsPage(ctx: PageContext, input: ReportInput): Html {
  const reported = input.incidents.map((incident) => incident.reported);
  const period = input.period === 'all' ? undefined : input.period;
  const listLink = (params: Record<string, string>) => href(ctx, '/', { ...params, ...(period ? { period } : {}) });
  const weeks = weeklyTrend(input.incidents, ctx.zone);
  const weekLabel = (week: number) => DateTime.fromMillis(week, { zone: ctx.zone }).toFormat('MM-dd');
  const all = reliabilityReport(reported, 'none');
  return page(
    ctx,
    'Reports',
    html`<h1>Reliability report</h1>
      <form class="filters" method="get" action="/reports">
        <label for="r-period"
          >Incidents that started within<select id="r-period" name="period">
            ${REPORT_PERIODS.map((option) => html`<option value="${option}" ${option === input.period ? html` selected` : ''}>${option === 'all' ? 'any time' : `the last ${option}`}</option>`)}
          </select></label
        >
        ${ctx.zoneFromQuery ? html`<input type="hidden" name="tz" value="${ctx.zone}" />` : ''}
        <button type="submit">Show</button>
      </form>
      <p>
        ${reported.length} incidents. Overall:
        ${METRICS.map((metric) => html`<strong>${metric.name}</strong> ${humanDuration(all[0]?.[metric.key].mean ?? null)} `)}
        <a href="${listLink({})}">(the incidents)</a>
      </p>
      ${groupTable('By service', reliabilityReport(reported, 'service'), (key) => listLink({ service: key }))}
      ${groupTable('By severity', reliabilityReport(reported, 'severity'), (key) => listLink({ severity: key }))}
      <h2 id="trend">Weekly trend (means, weeks starting Monday in ${ctx.zone})</h2>
      <div class="grid2">
        <div>
          <figure>
            ${trusted(renderTrendSvg(weeks, weekLabel))}
            <figcaption class="legend">
              ${METRICS.map((metric) => html`<span><span class="swatch sw-${metric.key}"></span>${metric.name}</span>`)}
            </figcaption>
          </figure>
        </div>
        <div class="scroll" tabindex="0" role="region" aria-label="Weekly means">
          <table id="trend-table">
            <caption>
              Weekly means
            </caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col" class="num">Incidents</th>
                ${METRICS.map((metric) => html`<th scope="col" class="num">${metric.name}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${
                weeks.length === 0
                  ? html`<tr>
                      <td colspan="6" class="muted">No incidents.</td>
                    </tr>`
                  : weeks.map(
                      (point) =>
                        html`<tr>
                          <th scope="row">
                            ${DateTime.fromMillis(point.week, { zone: ctx.zone }).toFormat('yyyy-MM-dd')}
                          </th>
                          <td class="num">${point.group.incidents}</td>
                          ${METRICS.map((metric) => html`<td class="num">${humanDuration(point.group[metric.key].mean)}</td>`)}
                        </tr>`,
                    )
              }
            </tbody>
          </table>
        </div>
      </div>
      <h2 id="formulas">How each figure is computed</h2>
      <dl class="formula">
        ${METRICS.map(
          (metric) =>
            html`<dt>${metric.name}: ${metric.title}</dt>
              <dd>${metric.formula}.</dd>`,
        )}
        <dt>Which incidents</dt>
        <dd>
          Those whose impact started in the period; each counts for its first service. Mean, median and p90 (nearest
          rank: an observed value) are over the incidents where that moment happened, so open incidents count for MTTD
          (and MTTA once acknowledged) but not for MTTR.
        </dd>
      </dl>`,
  );
}
