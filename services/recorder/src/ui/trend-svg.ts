import { escapeHtml } from './html.js';
import { METRICS } from './reports-model.js';
import type { WeekPoint } from './reports-model.js';

const WIDTH = 640;
const HEIGHT = 260;
const LEFT = 56;
const RIGHT = 16;
const TOP = 24;
const BOTTOM = 34;

/** Minutes, for the axis: the figures are seconds, the trends are read in minutes. */
const minutes = (seconds: number): string => String(Math.round((seconds / 60) * 10) / 10);

/** The weekly means as lines, one per metric; the table beside it has the same numbers. */
export function renderTrendSvg(points: readonly WeekPoint[], weekLabel: (week: number) => string): string {
  const values = points.flatMap((point) => METRICS.map((metric) => point.group[metric.key].mean ?? 0));
  const max = Math.max(60, ...values);
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (index: number) => LEFT + (points.length <= 1 ? plotW / 2 : (index / (points.length - 1)) * plotW);
  const y = (value: number) => TOP + plotH - (value / max) * plotH;
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (max / 4) * tick;
    parts.push(
      `<line class="gridline" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value)}" y2="${y(value)}"/>` +
        `<text x="${LEFT - 6}" y="${y(value) + 4}" text-anchor="end">${minutes(value)}</text>`,
    );
  }
  parts.push(`<text x="4" y="12">minutes</text>`);
  points.forEach((point, index) => {
    parts.push(
      `<text x="${x(index)}" y="${HEIGHT - 12}" text-anchor="middle">${escapeHtml(weekLabel(point.week))}</text>`,
    );
  });
  for (const metric of METRICS) {
    const present = points
      .map((point, index) => ({ index, mean: point.group[metric.key].mean }))
      .filter((point): point is { index: number; mean: number } => point.mean !== null);
    if (present.length > 1) {
      const d = present.map((point, i) => `${i === 0 ? 'M' : 'L'}${x(point.index)} ${y(point.mean)}`).join(' ');
      parts.push(`<path class="series s-${metric.key}" d="${d}"/>`);
    }
    for (const point of present) {
      parts.push(
        `<circle class="dot d-${metric.key}" cx="${x(point.index)}" cy="${y(point.mean)}" r="4"><title>${metric.name} ${minutes(point.mean)} min</title></circle>`,
      );
    }
  }
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="trend-title">Weekly means of MTTD, MTTA, MTTM and MTTR in minutes; the table beside it has the numbers</title>` +
    `<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${TOP + plotH}"/>` +
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}"/>` +
    parts.join('') +
    `</svg>`
  );
}
