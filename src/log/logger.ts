// Logging for every part: pino, with levels and JSON or text output, always to stderr.
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'text';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** The process or component name, added to every line. */
  readonly name?: string;
}

let root: Logger = pino({ level: 'info' }, pino.destination({ dest: 2, sync: true }));

/** Creates a logger that writes to stderr, as JSON lines or as readable text. */
export function createLogger(opts: LogOptions): Logger {
  const base = { level: opts.level, ...(opts.name ? { name: opts.name } : {}) };
  if (opts.format === 'json') return pino(base, pino.destination({ dest: 2, sync: true }));
  // Required only for text output, so a process that logs JSON (every sidecar `heddle up` starts) does not load it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const stream = pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l', singleLine: true });
  return pino(base, stream);
}

/** Sets the logger that {@link logger} hands out children of. The CLI calls this once at start. */
export function configureLogging(opts: LogOptions): Logger {
  root = createLogger(opts);
  return root;
}

/** A child logger for one component, such as `galley` or `pilot`. */
export function logger(component: string): Logger {
  return root.child({ component });
}
