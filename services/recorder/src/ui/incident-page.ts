import {
  alertImpactStart,
  describeSignal,
  humanDuration,
  renderPostmortem,
  type IncidentAlert,
  type IncidentEvent,
  type IncidentRecord,
} from '@sitrep/domain';
import { TIME_ZONES } from '@sitrep/contracts';
import type { MeasuredImpact } from '../impact/index.js';
import { html, jsonScript, trusted, type Html } from './html.js';
import { durationHtml, href, page, severityBadge, statusBadge, timeHtml, type PageContext } from './layout.js';
import { renderMarkdown } from './markdown.js';
import { entryForm, type EntryFormValues, type FieldError } from './entry-form.js';
import { MOMENT_LABELS, timelineModel } from './timeline-model.js';
import { fitWindow, renderTimelineSvg } from './timeline-svg.js';
import { tickFormatter } from './ticks.js';
import type { AlertChart, ChartWindow } from './series.js';
import { seriesSection } from './series-section.js';

export interface IncidentPageInput {
  readonly record: IncidentRecord;
  readonly events: readonly IncidentEvent[];
  readonly impact: MeasuredImpact;
  readonly warnings: readonly string[];
  readonly form?: { readonly values: EntryFormValues; readonly errors: readonly FieldError[] };
  readonly notice?: string;
  /** Null when no Prometheus is configured. */
  readonly charts: { readonly charts: readonly AlertChart[] | null; readonly window: ChartWindow };
}

const percent = (share: number): string => `${Number((share * 100).toFixed(1))}%`;

function header(ctx: PageContext, record: IncidentRecord): Html {
  const { summary, moments, durations } = record;
  const open = moments.resolvedAt === null;
  const fact = (label: string, value: Html | string) =>
    html`<div>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  return html`<div id="incident-header" data-live>
    <p>
      ${statusBadge(record.status)} ${severityBadge(summary.severity)}
      <span class="muted"
        >incident <code>${summary.id}</code> · ${summary.alertCount} alerts · impact start from
        ${record.impactStart.source.replace(/_/g, ' ')}</span
      >
    </p>
    <dl class="facts" aria-label="Moments">
      ${MOMENT_LABELS.map(([key, label]) => fact(label, timeHtml(ctx, moments[key])))}
    </dl>
    <dl class="facts" aria-label="Durations">
      ${fact('Duration (impact start to resolved)', html`${durationHtml(durations.duration, open ? moments.startedAt : undefined)}${open ? ' so far' : ''}`)}
      ${fact('Time to detect (impact start to detected)', durationHtml(durations.timeToDetect))}
      ${fact('Time to acknowledge (detected to acknowledged)', durationHtml(durations.timeToAcknowledge))}
      ${fact('Time to mitigate (impact start to mitigated)', durationHtml(durations.timeToMitigate))}
      ${fact('Time to resolve (impact start to resolved)', durationHtml(durations.timeToResolve))}
    </dl>
  </div>`;
}

function timelineSection(ctx: PageContext, record: IncidentRecord, events: readonly IncidentEvent[]): Html {
  const model = timelineModel(record, events, ctx.now);
  const window = fitWindow(model);
  const svg = renderTimelineSvg(model, window, tickFormatter(ctx.zone), ctx.zone);
  const signals = [...new Set(model.lanes.map((lane) => lane.signal))];
  return html`<section id="timeline-section" data-live>
    <h2 id="timeline">Timeline</h2>
    <div class="tl-controls" id="tl-controls" hidden>
      <button type="button" data-zoom="in">Zoom in</button><button type="button" data-zoom="out">Zoom out</button>
      <button type="button" data-zoom="left" aria-label="Earlier">◀ Earlier</button
      ><button type="button" data-zoom="right" aria-label="Later">Later ▶</button>
      <button type="button" data-zoom="fit">Fit the incident</button>
      <span class="muted">or drag across the chart to zoom into a range</span>
    </div>
    <div
      class="timeline-box"
      id="timeline-box"
      tabindex="0"
      role="region"
      aria-label="Timeline chart (scrolls sideways on narrow screens)"
    >
      ${trusted(svg)}
    </div>
    <p class="legend">
      ${signals.map((signal) => html`<span><span class="swatch sw-${signal}"></span>${describeSignal(signal as IncidentAlert['signal'])} alert</span>`)}
      <span><span class="swatch sw-change"></span>change</span
      ><span><span class="swatch sw-person"></span>person's entry</span>
      <span><span class="swatch sw-dead"></span>misleading path (dead end, from the entry before it)</span
      ><span>dotted rules: moments</span>
    </p>
    <script type="application/json" id="timeline-data">
      ${jsonScript(model)}
    </script>
  </section>`;
}

/** Where time-to-detect went, for the alert that started the impact: for:, then delivery. */
function detectionBreakdown(ctx: PageContext, record: IncidentRecord, events: readonly IncidentEvent[]): Html {
  const first = record.impactStart.alert;
  const alert = events.flatMap((event) =>
    event.type === 'incident.alert_attached' && event.data.alert.alertId === first?.alertId ? [event.data.alert] : [],
  )[0];
  if (!alert) return html``;
  const condition = alertImpactStart(alert);
  const parts = [
    { cls: 'for', label: 'Condition held until the rule fired (its for:)', from: condition.at, to: alert.startsAt },
    {
      cls: 'delivery',
      label: 'Rule fired until Sitrep received it (group_wait, delivery)',
      from: alert.startsAt,
      to: alert.receivedAt,
    },
  ].map((part) => ({ ...part, seconds: Math.max(0, (part.to.getTime() - part.from.getTime()) / 1000) }));
  const total = parts.reduce((sum, part) => sum + part.seconds, 0) || 1;
  const known = condition.source !== 'alert_startsAt';
  return html`<h2 id="detection">Where time to detect went</h2>
    <p class="muted">
      For ${alert.alertname} on ${alert.service}, the alert the impact start comes
      from.${known ? '' : " When its condition began is not known (no Prometheus rule or alert_for), so the rule's for: counts as zero."}
    </p>
    <div class="breakdown" aria-hidden="true">
      ${parts.map((part) => html`<span class="${part.cls}" data-width="${Math.round((part.seconds / total) * 100)}">${humanDuration(part.seconds)}</span>`)}
    </div>
    <table>
      <thead>
        <tr>
          <th scope="col">Part</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col" class="num">Took</th>
        </tr>
      </thead>
      <tbody>
        ${parts.map(
          (part) =>
            html`<tr>
              <td>${part.label}</td>
              <td>${timeHtml(ctx, part.from)}</td>
              <td>${timeHtml(ctx, part.to)}</td>
              <td class="num">${humanDuration(part.seconds)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function causeSection(ctx: PageContext, record: IncidentRecord, impact: MeasuredImpact): Html {
  const { summary } = record;
  const safeLink = (link: string | null | undefined) =>
    link && /^https?:\/\//i.test(link) ? html` <a href="${link}" rel="noreferrer noopener">link</a>` : '';
  const affected = impact.impact.affected;
  return html`<div class="grid2" id="cause-section" data-live>
    <section aria-labelledby="cause-h">
      <h2 id="cause-h">Probable cause</h2>
      ${
        summary.probableCause.length === 0
          ? html`<p class="muted">Not determined from the alerts.</p>`
          : html`<ol class="causes">
              ${summary.probableCause.map((hint) => html`<li><strong>${describeSignal(hint.signal)} on ${hint.service}</strong> since ${timeHtml(ctx, hint.since)}: ${hint.reason}</li>`)}
            </ol>`
      }
      <h2 id="changes-h">Changes attached</h2>
      ${
        summary.changes.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<ul>
              ${summary.changes.map((change) => html`<li>${timeHtml(ctx, change.at)} <strong>${change.kind}</strong> on ${change.service}: ${change.summary}${safeLink(change.link)}</li>`)}
            </ul>`
      }
    </section>
    <section aria-labelledby="impact-h">
      <h2 id="impact-h">Impact</h2>
      <p>
        ${affected ? html`About <strong>${percent(affected.share)}</strong> of ${affected.of} affected over the incident.` : 'No error-rate alert reported a share of requests.'}
        <span class="muted"
          >Source:
          ${impact.source === 'prometheus' ? "the alerts' Prometheus series" : 'the values the alerts reported'}.</span
        >
      </p>
      ${impact.warning ? html`<p class="notice">${impact.warning}</p>` : ''}
      ${
        impact.impact.signals.length === 0
          ? ''
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  <th scope="col" class="num">Peak</th>
                  <th scope="col" class="num">Mean</th>
                  <th scope="col" class="num">Alerts</th>
                </tr>
              </thead>
              <tbody>
                ${impact.impact.signals.map((signal) => {
                  const ratio = signal.signal === 'error_rate' && signal.peak <= 1;
                  const value = (v: number) => (ratio ? percent(v) : String(Number(v.toPrecision(4))));
                  return html`<tr>
                    <td>${describeSignal(signal.signal)}</td>
                    <td class="num">${value(signal.peak)}</td>
                    <td class="num">${value(signal.mean)}</td>
                    <td class="num">${signal.alerts}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }
    </section>
  </div>`;
}

function entryList(ctx: PageContext, record: IncidentRecord): Html {
  return html`<section id="entries-section" data-live>
    <h2 id="entries">Entries</h2>
    <div class="scroll" tabindex="0" role="region" aria-label="Entries">
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Source</th>
            <th scope="col">Kind</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
          </tr>
        </thead>
        <tbody id="entry-rows">
          ${record.timeline.map(
            (entry) =>
              html`<tr data-kind="${entry.kind}">
                <td>${timeHtml(ctx, entry.at)}</td>
                <td>${entry.source}</td>
                <td>${entry.kind.replace(/_/g, ' ')}</td>
                <td>${entry.text}</td>
                <td>${entry.author ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

function postmortemSection(ctx: PageContext, record: IncidentRecord): Html {
  const id = encodeURIComponent(record.summary.id);
  const markdown = renderPostmortem(record, { zone: ctx.zone });
  return html`<h2 id="postmortem">Postmortem draft</h2>
    <form class="filters" method="get" action="/incidents/${id}#postmortem">
      <label for="pm-tz"
        >Time zone<select id="pm-tz" name="tz">
          ${TIME_ZONES.map((zone) => html`<option${zone === ctx.zone ? html` selected` : ''}>${zone}</option>`)}
        </select></label
      >
      <button type="submit">Show in this zone</button>
      <a
        href="/incidents/${id}/postmortem.md?tz=${encodeURIComponent(ctx.zone)}"
        download="postmortem-${record.summary.id}.md"
        id="postmortem-download"
        >Download the Markdown (${ctx.zone})</a
      >
    </form>
    <article class="postmortem" aria-label="Postmortem draft">${trusted(renderMarkdown(markdown))}</article>`;
}

export function incidentPage(ctx: PageContext, input: IncidentPageInput): Html {
  const { record } = input;
  const { summary } = record;
  const signals = summary.signals.filter((signal) => signal !== 'other').map(describeSignal);
  const title = `${signals.length > 0 ? signals.join(', ') : 'Alerts'} on ${summary.services.join(', ')}`;
  const canWrite = ctx.session.level === 'write';
  return page(
    ctx,
    title,
    html`<p><a href="${href(ctx, '/')}">← All incidents</a></p>
      <h1>${title}</h1>
      ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
      ${input.warnings.map((warning) => html`<p class="notice error">${warning}</p>`)}
      <div id="incident-live" data-incident="${summary.id}" data-sequence="${summary.sequence}">
        ${header(ctx, record)} ${timelineSection(ctx, record, input.events)}
        ${seriesSection(ctx, record, input.charts.charts, input.charts.window)}
        ${
          canWrite
            ? html`<h2 id="add-entry">Add to the timeline</h2>
                ${entryForm(ctx, summary.id, input.form?.values, input.form?.errors)}`
            : html`<p class="muted">Read-only login: entries can be added with the read-write token.</p>`
        }
        ${causeSection(ctx, record, input.impact)} ${detectionBreakdown(ctx, record, input.events)}
        ${entryList(ctx, record)}
      </div>
      ${postmortemSection(ctx, record)}`,
  );
}
