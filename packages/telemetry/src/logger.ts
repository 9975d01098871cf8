import { trace } from '@opentelemetry/api';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly base?: LogFields;
  /** Where lines go; one JSON document per call. Defaults to stdout. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialiseError(error: Error): Record<string, unknown> {
  return { type: error.name, message: error.message, stack: error.stack };
}

/** Errors do not survive JSON.stringify (their fields are not enumerable), so expand them. */
function expand(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? serialiseError(value) : value;
  }
  return out;
}

/**
 * Structured JSON logs, one object per line, with the active trace and span ids so a log line can
 * be joined to its trace.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const make = (base: LogFields): Logger => {
    const log = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
      if (RANK[level] < threshold) return;
      const span = trace.getActiveSpan()?.spanContext();
      const record: Record<string, unknown> = {
        time: now().toISOString(),
        level,
        msg,
        ...expand(base),
        ...expand(fields),
      };
      if (span) {
        record.trace_id = span.traceId;
        record.span_id = span.spanId;
      }
      write(JSON.stringify(record));
    };
    return {
      debug: (msg, fields) => log('debug', msg, fields),
      info: (msg, fields) => log('info', msg, fields),
      warn: (msg, fields) => log('warn', msg, fields),
      error: (msg, fields) => log('error', msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}

/** A logger that keeps its lines in memory, for tests that assert on what was logged. */
export function createMemoryLogger(level: LogLevel = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
