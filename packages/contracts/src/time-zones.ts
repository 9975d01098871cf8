/**
 * The time zones the API takes (`tz`): the runtime's canonical IANA list, exactly as spelt there,
 * plus UTC, plus IANA's current name for each zone that ICU (CLDR) still lists under an older
 * one (Asia/Kolkata beside Asia/Calcutta). A fixed set, looked up by exact spelling: a spelling
 * outside it is refused before anything is built for it, so ten thousand odd spellings (case
 * variants the runtime would accept, say) cost nothing and leave nothing cached behind.
 */
const RENAMED_BY_IANA = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
] as const;

function zoneOf(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function canonicalTimeZones(): readonly string[] {
  const listed = new Set(Intl.supportedValuesOf('timeZone'));
  const zones = new Set([...listed, 'UTC']);
  // Only names this runtime knows, as the zone it lists: nothing is taken that cannot be rendered.
  for (const name of RENAMED_BY_IANA) {
    const zone = zoneOf(name);
    if (zone !== undefined && listed.has(zone)) zones.add(name);
  }
  return Object.freeze([...zones].sort());
}

/** Every time zone `tz` accepts, sorted. */
export const TIME_ZONES: readonly string[] = canonicalTimeZones();

const ACCEPTED: ReadonlySet<string> = new Set(TIME_ZONES);

/** Whether `zone` is one of TIME_ZONES, spelt exactly so. */
export function isTimeZone(zone: string): boolean {
  return ACCEPTED.has(zone);
}
