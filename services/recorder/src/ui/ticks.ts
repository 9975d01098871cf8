import { DateTime } from 'luxon';
import type { TickFormat } from './timeline-svg.js';

/** Axis ticks in `zone` (server and browser alike): seconds only when ticks are that fine. */
export const tickFormatter =
  (zone: string): TickFormat =>
  (at, stepMs) => {
    const local = DateTime.fromMillis(at, { zone });
    if (stepMs < 60_000) return local.toFormat('HH:mm:ss');
    if (stepMs < 86_400_000) return local.toFormat('HH:mm');
    return local.toFormat('MM-dd HH:mm');
  };
