/*
 * The recorder's query parameter formats, exactly as it reads them: the OpenAPI document states
 * these patterns and the recorder tests values against the same ones, so a value the document
 * calls valid is one the recorder takes. `[0-9]`, not `\d`: some regular expression engines (the
 * fuzzers' among them) read `\d` as any Unicode digit.
 */

const D = '[0-9]';
const YEAR = `${D}{4}`;
/** Every calendar day, leap days only in leap years (the year 0000 left out: `Date.UTC` reads it as 1900). */
const DAY =
  `(${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|1${D}|2[0-8])` +
  `|${YEAR}-(0[13-9]|1[0-2])-(29|30)` +
  `|${YEAR}-(0[13578]|1[02])-31` +
  `|(${D}{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)`;
const CLOCK = `([01]${D}|2[0-3]):[0-5]${D}`;
const OFFSET = `(Z|[+-]${CLOCK})`;
const TIME = `T${CLOCK}(:[0-5]${D}(\\.${D}{1,9})?)?${OFFSET}`;
const AGE = `${D}{1,6}[mhdw]`;

/** An RFC 3339 time, a date, or an age before now (`30m`, `12h`, `7d`, `2w`). */
export const TIME_OR_AGE_PATTERN = `^(${AGE}|${DAY}(${TIME})?)$`;

/** A page cursor: the last row's impact start (epoch ms) and its id (base64url UTF-8), as the recorder writes them. */
export const CURSOR_PATTERN = '^-?[0-9]{1,15}\\.[A-Za-z0-9_-]{0,1000}$';
