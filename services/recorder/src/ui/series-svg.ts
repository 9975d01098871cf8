import { escapeHtml } from './html.js';
import type { AlertChart } from './series.js';
import type { TickFormat, TimeWindow } from './timeline-svg.js';
import { tickStep } from './timeline-svg.js';

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 58;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 24;

export const seriesValue = (value: number): string => String(Number(value.toPrecision(4)));

/** The series as a line, its threshold dashed, the incident's moments as rules; the table beside says it in numbers. */
export function renderSeriesSvg(
  chart: AlertChart,
  window: TimeWindow,
  moments: readonly { readonly label: string; readonly at: number }[],
  formatTick: TickFormat,
): string {
  const values = [...chart.points.map(([, value]) => value), ...(chart.threshold ? [chart.threshold.value] : [])];
  const low = Math.min(0, ...values);
  const high = Math.max(...values, low + 1e-9) * 1.1;
  const span = Math.max(1, window.to - window.from);
  const x = (at: number) => LEFT + ((at - window.from) / span) * (WIDTH - LEFT - RIGHT);
  const y = (value: number) => TOP + (1 - (value - low) / (high - low)) * (HEIGHT - TOP - BOTTOM);
  const r = (value: number) => String(Math.round(value * 10) / 10);
  const parts: string[] = [];
  for (let tick = 0; tick <= 3; tick += 1) {
    const value = low + ((high - low) / 3) * tick;
    parts.push(
      `<line class="gridline" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${r(y(value))}" y2="${r(y(value))}"/>` +
        `<text x="${LEFT - 4}" y="${r(y(value) + 4)}" text-anchor="end">${escapeHtml(seriesValue(value))}</text>`,
    );
  }
  const step = tickStep(window, 6);
  for (let at = Math.ceil(window.from / step) * step; at <= window.to; at += step) {
    parts.push(
      `<text x="${r(x(at))}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(formatTick(at, step))}</text>`,
    );
  }
  for (const moment of moments) {
    if (moment.at < window.from || moment.at > window.to) continue;
    parts.push(
      `<line class="rule" x1="${r(x(moment.at))}" x2="${r(x(moment.at))}" y1="${TOP}" y2="${HEIGHT - BOTTOM}"><title>${escapeHtml(moment.label)}</title></line>`,
    );
  }
  if (chart.threshold) {
    const ty = r(y(chart.threshold.value));
    parts.push(`<line class="threshold" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${ty}" y2="${ty}"/>`);
  }
  if (chart.points.length > 0) {
    const d = chart.points
      .map(([at, value], index) => `${index === 0 ? 'M' : 'L'}${r(x(at))} ${r(y(value))}`)
      .join(' ');
    parts.push(`<path class="series s-value" d="${d}"/>`);
  }
  const threshold = chart.threshold
    ? `, threshold ${chart.threshold.comparison} ${seriesValue(chart.threshold.value)}`
    : '';
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(`${chart.label}: ${chart.query}${threshold}; the numbers are in the table`)}</title>` +
    `<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${HEIGHT - BOTTOM}"/>` +
    parts.join('') +
    `</svg>`
  );
}
