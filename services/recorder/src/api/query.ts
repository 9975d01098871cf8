import { calendarValid, TIME_OR_AGE_PATTERN } from '@sitrep/contracts';
import { ApiError, type FieldProblem } from '@sitrep/http';
import type { Request } from 'express';

const TIME_OR_AGE = new RegExp(TIME_OR_AGE_PATTERN);

/**
 * The instants the wire format writes with four-digit years. A range reaching past them (`999999w`
 * ago, `9999-12-31T23:59:59-23:59`) means "from the beginning" or "to the end": clamped, so the
 * report's own `since` and `until` stay RFC 3339.
 */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const clamped = (time: number): Date => new Date(Math.min(LATEST, Math.max(EARLIEST, time)));

/** Length as JSON Schema's maxLength counts it: code points, not UTF-16 units. */
const codePoints = (text: string): number => Array.from(text).length;

/**
 * Reads query parameters, collecting every problem so one 400 names them all (`details[].field`
 * is the parameter name). Values are taken as sent, exactly as the OpenAPI document describes
 * them: an empty value is refused (a script's unset variable must not widen a query to
 * everything), and so is surrounding whitespace where a format is expected.
 */
export class QueryReader {
  private readonly problems: FieldProblem[] = [];

  constructor(private readonly req: Request) {}

  private raw(name: string): string | undefined {
    const value: unknown = this.req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problems.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    if (value === '') {
      this.problems.push({ field: name, message: 'must not be empty (leave the parameter out instead)' });
      return undefined;
    }
    return value;
  }

  string(name: string, maxLength = 256): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && codePoints(value) > maxLength) {
      this.problems.push({ field: name, message: `must be at most ${maxLength} characters` });
      return undefined;
    }
    return value;
  }

  oneOf<const T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push({ field: name, message: `must be one of ${allowed.join(', ')}` });
    return undefined;
  }

  /** A value matching `pattern` (the OpenAPI document's), or a problem saying what it must be. */
  matching(name: string, pattern: RegExp, description: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || pattern.test(value)) return value;
    this.problems.push({ field: name, message: `must be ${description}` });
    return undefined;
  }

  /** RFC 3339 instant, or a relative age like `30d`, `12h`, `90m` before `now`. */
  instant(name: string, now: Date): Date | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const age = /^([0-9]{1,6})([mhdw])$/.exec(value);
    if (age) {
      const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[age[2] as 'm' | 'h' | 'd' | 'w'];
      return clamped(now.getTime() - Number(age[1]) * unit);
    }
    const date = TIME_OR_AGE.test(value) && calendarValid(value) ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) {
      this.problems.push({
        field: name,
        message: 'must be an RFC 3339 time (2026-11-22T03:00:00Z), a date, or an age like 30d',
      });
      return undefined;
    }
    return clamped(date.getTime());
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      this.problems.push({ field: name, message: `must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return number;
  }

  problem(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  /** Throws one 400 naming every bad parameter. */
  finish(): void {
    if (this.problems.length === 0) return;
    const summary = this.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
    throw new ApiError('invalid_query', `invalid query: ${summary}`, { details: this.problems });
  }
}
