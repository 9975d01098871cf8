import { calendarValid } from '@sitrep/contracts';
import { ApiError, type FieldProblem } from '@sitrep/http';
import type { Request } from 'express';

/**
 * Reads query parameters, collecting every problem so one 400 names them all (`details[].field`
 * is the parameter name).
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
    return value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, maxLength = 256): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length > maxLength) {
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

  /** RFC 3339 instant, or a relative age like `30d`, `12h`, `90m` before `now`. */
  instant(name: string, now: Date): Date | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const age = /^(\d{1,6})([mhdw])$/.exec(value);
    if (age) {
      const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[age[2] as 'm' | 'h' | 'd' | 'w'];
      return new Date(now.getTime() - Number(age[1]) * unit);
    }
    const date =
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) && calendarValid(value)
        ? new Date(value)
        : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) {
      this.problems.push({
        field: name,
        message: 'must be an RFC 3339 time (2026-11-22T03:00:00Z), a date, or an age like 30d',
      });
      return undefined;
    }
    return date;
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
