import { humanDuration } from './human-duration.js';

/** Durations of open incidents count on, once a second. */
export function tickDurations(): void {
  const update = () => {
    for (const element of document.querySelectorAll<HTMLElement>('[data-since]')) {
      const since = Date.parse(element.dataset.since ?? '');
      if (!Number.isNaN(since)) element.textContent = humanDuration((Date.now() - since) / 1000);
    }
  };
  setInterval(update, 1000);
}

/** The detection breakdown's parts, as wide as the time each took. */
export function sizeBreakdown(): void {
  for (const part of document.querySelectorAll<HTMLElement>('.breakdown [data-width]')) {
    part.style.flexGrow = String(Math.max(1, Number(part.dataset.width)));
    part.style.flexBasis = '0';
  }
}
