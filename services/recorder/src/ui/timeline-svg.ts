import { escapeHtml } from './html.js';

/*
 * The incident timeline as an SVG string: pure, so the server draws it into the page (readable
 * without JavaScript) and the browser's script redraws it for another window when zooming.
 * Times are epoch milliseconds; the model is plain JSON, embedded in the page for the script.
 */

export interface TimelineLane {
  readonly label: string;
  readonly signal: string;
  readonly severity: string;
  /** The value the alert reported, in words (`31%`, `value 2.4`), or empty. */
  readonly value: string;
  readonly start: number;
  /** Null while still firing: drawn up to `now`. */
  readonly end: number | null;
}

export interface TimelineMark {
  readonly at: number;
  readonly kind: string;
  readonly text: string;
}

/** A path people followed that led nowhere: from where it began to where it was given up. */
export interface DeadEnd {
  readonly from: number;
  readonly to: number;
  /** The time it cost, in words. */
  readonly cost: string;
  readonly text: string;
}

export interface TimelineModel {
  readonly lanes: readonly TimelineLane[];
  readonly changes: readonly TimelineMark[];
  readonly people: readonly TimelineMark[];
  readonly deadEnds: readonly DeadEnd[];
  readonly moments: readonly { readonly label: string; readonly at: number }[];
  readonly now: number;
}

export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** Formats an axis tick; `stepMs` says how fine the ticks are (seconds only when they matter). */
export type TickFormat = (at: number, stepMs: number) => string;

const WIDTH = 1000;
const LABEL_WIDTH = 200;
const PLOT_RIGHT = WIDTH - 12;
const AXIS_HEIGHT = 24;
const MOMENT_ROWS = 3;
const MOMENT_ROW_HEIGHT = 14;
const LANE_HEIGHT = 28;

const MINUTE = 60_000;
const TICK_STEPS = [
  1_000,
  5_000,
  15_000,
  30_000,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  60 * MINUTE,
  2 * 60 * MINUTE,
  6 * 60 * MINUTE,
  12 * 60 * MINUTE,
  24 * 60 * MINUTE,
  7 * 24 * 60 * MINUTE,
];

/** Every instant the timeline shows, padded a little: the window that fits the whole incident. */
export function fitWindow(model: TimelineModel): TimeWindow {
  const times = [
    ...model.lanes.flatMap((lane) => [lane.start, lane.end ?? model.now]),
    ...model.changes.map((mark) => mark.at),
    ...model.people.map((mark) => mark.at),
    ...model.deadEnds.flatMap((path) => [path.from, path.to]),
    ...model.moments.map((moment) => moment.at),
  ];
  if (times.length === 0) return { from: model.now - 30 * MINUTE, to: model.now };
  const from = Math.min(...times);
  const to = Math.max(...times);
  const pad = Math.max((to - from) * 0.04, 30_000);
  return { from: from - pad, to: to + pad };
}

/** A window `factor` times as wide around its middle (factor < 1 zooms in), at least 10 s. */
export function zoomWindow(window: TimeWindow, factor: number, centre = (window.from + window.to) / 2): TimeWindow {
  const span = Math.max(10_000, (window.to - window.from) * factor);
  const share = (centre - window.from) / (window.to - window.from || 1);
  const from = centre - span * share;
  return { from, to: from + span };
}

export const panWindow = (window: TimeWindow, share: number): TimeWindow => {
  const shift = (window.to - window.from) * share;
  return { from: window.from + shift, to: window.to + shift };
};

export function tickStep(window: TimeWindow, ticks = 7): number {
  const span = window.to - window.from;
  return TICK_STEPS.find((step) => span / step <= ticks) ?? (TICK_STEPS.at(-1) as number);
}

const round = (value: number): string => String(Math.round(value * 10) / 10);
const text = (value: string): string => escapeHtml(value);
const truncate = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/** Draws the model over `window`. `zoneLabel` names the zone the ticks are in. */
export function renderTimelineSvg(
  model: TimelineModel,
  window: TimeWindow,
  formatTick: TickFormat,
  zoneLabel: string,
): string {
  const span = Math.max(1, window.to - window.from);
  const x = (at: number) => LABEL_WIDTH + ((at - window.from) / span) * (PLOT_RIGHT - LABEL_WIDTH);
  const clampX = (at: number) => Math.min(PLOT_RIGHT, Math.max(LABEL_WIDTH, x(at)));
  const rows: string[] = [];
  let y = AXIS_HEIGHT + MOMENT_ROWS * MOMENT_ROW_HEIGHT + 6;
  const laneTop = y;

  const laneLabel = (label: string, detail: string) =>
    `<text class="tl-label" x="8" y="${y + 12}">${text(truncate(label, 30))}</text>` +
    (detail === '' ? '' : `<text class="tl-detail" x="8" y="${y + 24}">${text(truncate(detail, 36))}</text>`);
  const stripe = () => `<rect class="tl-lane" x="0" y="${y}" width="${WIDTH}" height="${LANE_HEIGHT}"/>`;
  const marker = (mark: TimelineMark, cls: string) => {
    const at = x(mark.at);
    if (at < LABEL_WIDTH || at > PLOT_RIGHT) return '';
    const mid = y + LANE_HEIGHT / 2;
    return `<g class="${cls}"><title>${text(mark.text)}</title><path d="M${round(at)} ${mid - 7} l6 7 l-6 7 l-6 -7 z"/></g>`;
  };

  if (model.changes.length > 0) {
    rows.push(stripe(), laneLabel('Changes', `${model.changes.length} attached`));
    for (const change of model.changes) rows.push(marker(change, 'tl-change'));
    y += LANE_HEIGHT;
  }
  for (const lane of model.lanes) {
    const end = lane.end ?? model.now;
    const x1 = clampX(lane.start);
    const x2 = clampX(end);
    const detail = [lane.signal.replace(/_/g, ' '), lane.severity, lane.value].filter(Boolean).join(' · ');
    rows.push(stripe(), laneLabel(lane.label, detail));
    if (x2 > x1 || (x1 > LABEL_WIDTH && x1 < PLOT_RIGHT)) {
      const title = `${lane.label}: ${detail}${lane.end === null ? ' (still firing)' : ''}`;
      rows.push(
        `<g class="tl-alert sig-${text(lane.signal)}${lane.end === null ? ' tl-open' : ''}"><title>${text(title)}</title>` +
          `<rect x="${round(x1)}" y="${y + 6}" width="${round(Math.max(2, x2 - x1))}" height="${LANE_HEIGHT - 12}" rx="3"/></g>`,
      );
    }
    y += LANE_HEIGHT;
  }
  if (model.people.length > 0 || model.deadEnds.length > 0) {
    rows.push(stripe(), laneLabel('People', `${model.people.length} entries`));
    for (const path of model.deadEnds) {
      const x1 = clampX(path.from);
      const x2 = clampX(path.to);
      const mid = y + LANE_HEIGHT / 2;
      rows.push(
        `<g class="tl-dead-end"><title>${text(path.text)}</title>` +
          `<path d="M${round(x1)} ${mid} H${round(x2)} M${round(x2)} ${mid - 8} V${mid + 8}"/>` +
          (x2 - x1 > 60
            ? `<text class="tl-dead-label" x="${round((x1 + x2) / 2)}" y="${mid - 4}" text-anchor="middle">dead end, ${text(path.cost)}</text>`
            : '') +
          `</g>`,
      );
    }
    for (const person of model.people) rows.push(marker(person, `tl-person kind-${text(person.kind)}`));
    y += LANE_HEIGHT;
  }
  const height = y + 4;

  const axis: string[] = [];
  const step = tickStep(window);
  for (let at = Math.ceil(window.from / step) * step; at <= window.to; at += step) {
    const tx = x(at);
    if (tx < LABEL_WIDTH || tx > PLOT_RIGHT) continue;
    axis.push(
      `<line class="tl-grid" x1="${round(tx)}" y1="${AXIS_HEIGHT - 4}" x2="${round(tx)}" y2="${height}"/>` +
        `<text class="tl-tick" x="${round(tx)}" y="14" text-anchor="middle">${text(formatTick(at, step))}</text>`,
    );
  }
  axis.push(`<text class="tl-detail" x="8" y="14">${text(zoneLabel)}</text>`);

  const moments: string[] = [];
  model.moments.forEach((moment, index) => {
    const mx = x(moment.at);
    if (mx < LABEL_WIDTH || mx > PLOT_RIGHT) return;
    const row = index % MOMENT_ROWS;
    const ty = AXIS_HEIGHT + (row + 1) * MOMENT_ROW_HEIGHT - 2;
    const anchor = mx > PLOT_RIGHT - 90 ? 'end' : 'start';
    moments.push(
      `<g class="tl-moment"><title>${text(moment.label)}</title>` +
        `<line x1="${round(mx)}" y1="${ty + 2}" x2="${round(mx)}" y2="${height}"/>` +
        `<text x="${round(anchor === 'end' ? mx - 3 : mx + 3)}" y="${ty}" text-anchor="${anchor}">${text(moment.label)}</text></g>`,
    );
  });

  return (
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="timeline-title">Timeline from ${text(formatTick(window.from, 1_000))} to ${text(formatTick(window.to, 1_000))} (${text(zoneLabel)}): ${model.lanes.length} alerts, ${model.changes.length} changes, ${model.people.length} entries by people; the entry list below says the same in words</title>` +
    `<rect class="tl-bg" x="0" y="0" width="${WIDTH}" height="${height}"/>` +
    `<line class="tl-axis" x1="${LABEL_WIDTH}" y1="${laneTop - 2}" x2="${PLOT_RIGHT}" y2="${laneTop - 2}"/>` +
    axis.join('') +
    rows.join('') +
    moments.join('') +
    `</svg>`
  );
}
