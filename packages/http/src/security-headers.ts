import type { ServerResponse } from 'node:http';

/**
 * Headers every response carries. The APIs serve JSON, Markdown and metrics, never a page: a
 * browser that is shown one anyway must not sniff it into HTML, run or load anything from it,
 * frame it, send its URL on as a referrer, or keep incident data in its cache.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // Incidents, timelines and tokens' answers are not for shared caches; a route that may be
  // cached (the OpenAPI document) says so itself.
  'Cache-Control': 'no-store',
});

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
