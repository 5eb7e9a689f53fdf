// JSON-lines logger: one object per line with time, level, message, correlation id and whatever
// context the caller bound (receipt_id, transfer_id, duration_ms). Everything passes the PII
// scrubber first, so a stray email or token in an error message never reaches the log store.
import { currentCorrelationId } from './context.ts';
import { scrub, scrubText } from './scrub.ts';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;
export type Sink = (line: string) => void;

export type Logger = {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger whose lines all carry `fields` (e.g. the correlation id of one request). */
  child(fields: Fields): Logger;
  /** Runs `fn`, then logs `message` with `duration_ms` (and the error when it throws). */
  timed<T>(message: string, fn: () => Promise<T>, fields?: Fields): Promise<T>;
};

export type LoggerOptions = { level?: Level; sink?: Sink; now?: () => Date; fields?: Fields };

export function parseLevel(value: string | undefined): Level {
  return value && value in LEVELS ? value as Level : 'info';
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const bound = options.fields ?? {};

  const write = (level: Level, message: string, fields: Fields = {}) => {
    if (LEVELS[level] < min) return;
    const correlation_id = currentCorrelationId();
    const payload = scrub({
      ...(correlation_id ? { correlation_id } : {}),
      ...bound,
      ...fields,
    }) as Fields;
    sink(JSON.stringify({ ts: now().toISOString(), level, msg: scrubText(message), ...payload }));
  };

  const logger: Logger = {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...bound, ...fields } }),
    async timed(message, fn, fields = {}) {
      const started = performance.now();
      try {
        const result = await fn();
        write('info', message, { ...fields, duration_ms: roundMs(performance.now() - started) });
        return result;
      } catch (err) {
        write('error', message, {
          ...fields,
          duration_ms: roundMs(performance.now() - started),
          error: err,
        });
        throw err;
      }
    },
  };
  return logger;
}

const roundMs = (ms: number) => Math.round(ms * 10) / 10;
