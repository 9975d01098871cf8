const ZONE_COOKIE = 'sitrep_tz';

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const cookieZone = (): string | undefined =>
  document.cookie
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === ZONE_COOKIE)?.[1];

/**
 * Pages render on the server in the zone the browser's cookie names. Sets it to this browser's
 * zone; says whether the page should be shown again in it (it was rendered in another, and no
 * `?tz=` asked for that one). A zone the server does not list stays unused, without a loop.
 */
export function adoptBrowserZone(): boolean {
  const zone = browserZone();
  const previous = cookieZone() === undefined ? undefined : decodeURIComponent(cookieZone() as string);
  if (previous !== zone)
    document.cookie = `${ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Strict`;
  const body = document.body;
  const rendered = body.dataset.zone;
  return rendered !== undefined && body.dataset.zoneFromQuery === 'no' && rendered !== zone && previous !== zone;
}
