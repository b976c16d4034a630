// The access log: one JSON line per HTTP request and per closed TCP connection, written in batches.
import type { HttpRequestEvent, TcpConnectionEvent } from './events.js';
import { httpRequestChannel, tcpConnectionChannel } from './events.js';
import { formatHttpAccessLog, formatTcpAccessLog } from './access-log-entry.js';

export interface AccessLogOptions {
  /** Receives one or more complete lines, each ending in "\n"; called once per batch. */
  readonly write: (lines: string) => void;
  readonly format: 'json';
  /** Runs a flush soon; `setImmediate` by default (tests pass their own). */
  readonly schedule?: (flush: () => void) => void;
  /** Lines held before a flush is forced without waiting for `schedule`; 512 by default. */
  readonly maxBufferedLines?: number;
}

/** An access log subscribed (while started) to the HTTP and TCP telemetry channels. */
export interface AccessLog {
  /** Subscribes to both channels; calling it twice is harmless. */
  start(): void;
  /** Unsubscribes and writes out what is buffered. */
  stop(): void;
  /** Logs one request, as a published event would. */
  logHttp(e: HttpRequestEvent): void;
  /** Logs one TCP connection when it closes (open events are not logged, as in Envoy). */
  logTcp(e: TcpConnectionEvent): void;
  /** Writes out the buffered lines now. */
  flush(): void;
}

/**
 * Creates the access log. Lines are buffered and written together on the next turn of the event
 * loop, so a busy proxy pays one write per batch rather than one per request.
 */
export function createAccessLog(options: AccessLogOptions): AccessLog {
  if (options.format !== 'json') throw new TypeError(`access log format: unsupported "${String(options.format)}"`);
  const write = options.write;
  const schedule = options.schedule ?? ((fn: () => void) => void setImmediate(fn));
  const maxLines = options.maxBufferedLines ?? 512;
  let buffer = '';
  let lines = 0;
  let scheduled = false;
  let started = false;

  function flush(): void {
    scheduled = false;
    if (lines === 0) return;
    const out = buffer;
    buffer = '';
    lines = 0;
    write(out);
  }

  function append(line: string): void {
    buffer += line + '\n';
    lines++;
    if (lines >= maxLines) flush();
    else if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  }

  const logHttp = (e: HttpRequestEvent): void => append(formatHttpAccessLog(e));
  const logTcp = (e: TcpConnectionEvent): void => {
    if (e.phase === 'close') append(formatTcpAccessLog(e));
  };
  const onHttp = (message: unknown): void => logHttp(message as HttpRequestEvent);
  const onTcp = (message: unknown): void => logTcp(message as TcpConnectionEvent);

  return {
    start() {
      if (started) return;
      started = true;
      httpRequestChannel.subscribe(onHttp);
      tcpConnectionChannel.subscribe(onTcp);
    },
    stop() {
      if (started) {
        started = false;
        httpRequestChannel.unsubscribe(onHttp);
        tcpConnectionChannel.unsubscribe(onTcp);
      }
      flush();
    },
    logHttp,
    logTcp,
    flush,
  };
}
