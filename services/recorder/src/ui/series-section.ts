import type { IncidentRecord } from '@sitrep/domain';
import { html, trusted, type Html } from './html.js';
import { timeHtml, type PageContext } from './layout.js';
import type { AlertChart, ChartWindow } from './series.js';
import { renderSeriesSvg, seriesValue } from './series-svg.js';
import { MOMENT_LABELS } from './timeline-model.js';
import { tickFormatter } from './ticks.js';

const TABLE_ROWS = 12;

/** At most `count` points, evenly spread, the last always in: a table a reader can take in. */
export function spread<T>(points: readonly T[], count: number): T[] {
  if (points.length <= count) return [...points];
  const step = (points.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, index) => points[Math.round(index * step)] as T);
}

/** The window the charts cover: from before the impact start to a little after the end. */
export const chartWindow = (record: IncidentRecord, now: Date): ChartWindow => ({
  from: new Date(record.moments.startedAt.getTime() - 10 * 60_000),
  to: new Date(Math.min(now.getTime(), (record.moments.resolvedAt ?? now).getTime() + 5 * 60_000)),
});

export function seriesSection(
  ctx: PageContext,
  record: IncidentRecord,
  charts: readonly AlertChart[] | null,
  window: ChartWindow,
): Html {
  if (charts === null) return html``;
  const moments = MOMENT_LABELS.flatMap(([key, label]) => {
    const at = record.moments[key];
    return at === null ? [] : [{ label, at: at.getTime() }];
  });
  const span = { from: window.from.getTime(), to: window.to.getTime() };
  return html`<section id="series-section" aria-labelledby="series-h">
    <h2 id="series-h">Series from Prometheus</h2>
    ${charts.length === 0 ? html`<p class="muted">No alert links a Prometheus expression (generatorURL).</p>` : ''}
    <div class="series-grid">
      ${charts.map(
        (chart) =>
          html`<figure>
            <figcaption>
              <strong>${chart.label}</strong>: <code>${chart.query}</code>${
                chart.threshold
                  ? html`, threshold
                      <code>${chart.threshold.comparison} ${seriesValue(chart.threshold.value)}</code> (dashed)`
                  : ''
              };
              dotted rules: the moments
            </figcaption>
            ${chart.problem ? html`<p class="notice">${chart.problem}</p>` : ''}
            ${trusted(renderSeriesSvg(chart, span, moments, tickFormatter(ctx.zone)))}
            ${
              chart.points.length === 0
                ? ''
                : html`<table>
                    <caption class="skip">
                      ${chart.label}, values
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col" class="num">Value</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${spread(chart.points, TABLE_ROWS).map(
                        ([at, value]) =>
                          html`<tr>
                            <td>${timeHtml(ctx, new Date(at))}</td>
                            <td class="num">${seriesValue(value)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
            }
          </figure>`,
      )}
    </div>
  </section>`;
}
