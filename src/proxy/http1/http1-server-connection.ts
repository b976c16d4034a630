// The server side of the HTTP/1.1 codec: reads requests off a downstream socket one exchange at a
// time (pipelined requests wait in the buffer), hands each to the connection manager, and applies
// keep-alive, header and idle timeouts, parse-error replies and upgrades.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectionInfo, DownstreamExchange } from '../http/exchange.js';
import { Http1BodyReader, type BodyReaderOwner } from './http1-body-reader.js';
import { Http1CodecError } from './http1-errors.js';
import { parseRequestHead } from './http1-head-parser.js';
import { reasonPhrase } from './http1-head-writer.js';
import { Http1ServerExchange, type ExchangeHost } from './http1-server-exchange.js';
import { Http1Deadline } from './http1-deadline.js';
import { SYSTEM_TIMERS, type Http1Timers } from './http1-timers.js';

/** Options of one downstream HTTP/1.1 connection. */
export interface Http1ServerOptions {
  /** Called once per request head; the connection manager answers through `respond`. */
  onExchange(exchange: DownstreamExchange): void;
  /** Largest request head (request line and fields), in bytes; 60 KiB by default (max_request_headers_kb). */
  readonly maxHeadBytes?: number;
  /** Most header fields per head; 100 by default. */
  readonly maxHeaders?: number;
  /** A client that starts a head and does not finish it within this gets 408; 0 disables. Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** A keep-alive connection with no request in progress is closed after this; 0 disables. Default 1 h. */
  readonly idleTimeoutMs?: number;
  /** Bytes already read from the socket (protocol sniffing); parsed before anything else. */
  readonly initialData?: Buffer;
  readonly timers?: Http1Timers;
}

/** A running downstream connection. */
export interface Http1ServerConnection {
  /** Closes after the current exchange (drain); closes now if idle. */
  close(): void;
  /** Closes now, aborting the exchange in progress. */
  destroy(): void;
}

const enum State {
  Head,
  Body,
  Wait,
  Upgrade,
  Closed,
}

/** Pipelined bytes held while an exchange is in progress, before the socket is paused. */
const MAX_HELD = 64 * 1024;

class ServerConnection implements Http1ServerConnection, ExchangeHost, BodyReaderOwner {
  private state = State.Head;
  private pending: Buffer | undefined;
  private scanFrom = 0;
  private exchange: Http1ServerExchange | undefined;
  private driving = false;
  private draining = false;
  private paused = false;
  private peerEnded = false;
  /** The one timer of the connection: the header timeout while a head arrives, else the idle timeout. */
  private readonly deadline: Http1Deadline;
  private timerIsHeaders = false;
  private readonly maxHeadBytes: number;
  private readonly maxHeaders: number;
  private readonly timers: Http1Timers;
  private readonly scheme: 'http' | 'https';

  constructor(
    readonly socket: Duplex,
    private readonly info: ConnectionInfo,
    private readonly options: Http1ServerOptions,
  ) {
    this.maxHeadBytes = options.maxHeadBytes ?? 60 * 1024;
    this.maxHeaders = options.maxHeaders ?? 100;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.deadline = new Http1Deadline(this.timers, () => this.timedOut());
    this.scheme = info.tls ? 'https' : 'http';
    const s = socket as Partial<Socket>;
    if (typeof s.setNoDelay === 'function') s.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
    // A sniffer may have paused the socket; a 'data' listener alone does not restart it.
    socket.resume();
    if (options.initialData !== undefined && options.initialData.length > 0) this.onData(options.initialData);
    else this.armIdle();
  }

  close(): void {
    this.draining = true;
    // A head still arriving is a request in flight: it is answered (with connection: close) first.
    if (this.exchange === undefined && this.state === State.Head && this.pending === undefined) this.endSocket();
  }

  destroy(err?: Error): void {
    this.state = State.Closed;
    this.clearTimer();
    this.socket.destroy(err);
  }

  canKeepAlive(exchange: Http1ServerExchange): boolean {
    return exchange.keepAliveRequested && !this.draining && !exchange.upgradeRequested;
  }

  pauseReading(): void {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  resumeReading(): void {
    if (this.paused && this.state !== State.Closed && this.state !== State.Upgrade) {
      this.paused = false;
      this.socket.resume();
    }
  }

  onBodyPiped(_reader: Http1BodyReader): void {
    const ex = this.exchange;
    if (ex !== undefined && ex.expectContinue && !ex.continueSent && !ex.responded && !ex.body.complete) {
      ex.continueSent = true;
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    }
  }

  onBodyComplete(_reader: Http1BodyReader): void {
    if (this.state === State.Body) this.state = State.Wait;
    const ex = this.exchange;
    if (ex !== undefined && ex.responseComplete) this.finishExchange(ex);
  }

  onResponseComplete(exchange: Http1ServerExchange): void {
    if (exchange !== this.exchange) return;
    if (!exchange.body.complete) {
      // The request body was not read to its end: the connection cannot be reused.
      this.endSocket();
      return;
    }
    this.finishExchange(exchange);
  }

  detach(exchange: Http1ServerExchange): Duplex {
    if (exchange !== this.exchange || this.state !== State.Upgrade) throw new Error('the connection is no longer upgradable');
    const socket = this.socket;
    this.state = State.Closed;
    this.clearTimer();
    socket.pause();
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.removeAllListeners('close');
    if (this.pending !== undefined) socket.unshift(this.pending);
    this.pending = undefined;
    return socket;
  }

  private onData(chunk: Buffer): void {
    if (this.state === State.Body && this.pending === undefined) {
      const n = this.exchange!.body.feed(chunk, 0, chunk.length);
      if (n < 0) return this.protocolError(this.exchange!.body.decodeError!);
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    if (this.state === State.Closed) return;
    this.pending = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.state === State.Head) {
      if (!this.timerIsHeaders) this.armHeaders();
      this.drive();
    } else if (this.pending.length > MAX_HELD) {
      this.pauseReading();
    }
  }

  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    try {
      while (this.pending !== undefined) {
        if (this.state === State.Head) {
          if (!this.readHead()) break;
        } else if (this.state === State.Body) {
          const buf = this.pending;
          // Cleared first: completing the body may finish the exchange, which checks for leftovers.
          this.pending = undefined;
          const n = this.exchange!.body.feed(buf, 0, buf.length);
          if (n < 0) return this.protocolError(this.exchange!.body.decodeError!);
          if (n < buf.length) this.pending = this.pending === undefined ? buf.subarray(n) : Buffer.concat([buf.subarray(n), this.pending]);
        } else {
          break;
        }
      }
    } finally {
      this.driving = false;
    }
  }

  /** Parses one head from `pending`; false when more bytes are needed or the connection ended. */
  private readHead(): boolean {
    let buf = this.pending!;
    let start = 0;
    while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
    if (start > 0) {
      buf = buf.subarray(start);
      this.pending = buf.length === 0 ? undefined : buf;
      if (buf.length === 0) return false;
    }
    const at = buf.indexOf('\r\n\r\n', Math.max(0, this.scanFrom - 3), 'latin1');
    if (at < 0 || at + 4 > this.maxHeadBytes) {
      if (buf.length > this.maxHeadBytes) {
        this.protocolError(new Http1CodecError('HEAD_TOO_LARGE', 'request head too large'));
        return false;
      }
      this.scanFrom = buf.length;
      return false;
    }
    this.scanFrom = 0;
    const parsed = parseRequestHead(buf.toString('latin1', 0, at), this.scheme, this.maxHeaders);
    if (!parsed.ok) {
      this.protocolError(parsed.error);
      return false;
    }
    const req = parsed.value;
    const headBytes = at + 4;
    this.pending = headBytes === buf.length ? undefined : buf.subarray(headBytes);
    this.clearTimer();
    const body = new Http1BodyReader(this, req.framing, req.length, this.maxHeadBytes);
    const exchange = new Http1ServerExchange(this, req, body, this.info, headBytes);
    this.exchange = exchange;
    this.state = req.upgrade ? State.Upgrade : body.complete ? State.Wait : State.Body;
    if (req.upgrade) this.pauseReading();
    this.options.onExchange(exchange);
    const state = this.state as State;
    return state === State.Head || state === State.Body;
  }

  private finishExchange(exchange: Http1ServerExchange): void {
    if (exchange !== this.exchange) return;
    this.exchange = undefined;
    if (!exchange.keepAlive || this.draining || this.peerEnded) {
      this.endSocket();
      return;
    }
    this.state = State.Head;
    if (this.paused) this.resumeReading();
    if (this.pending !== undefined) {
      this.armHeaders();
      this.drive();
    } else {
      this.armIdle();
    }
  }

  private protocolError(err: Http1CodecError): void {
    const ex = this.exchange;
    if (ex === undefined || !ex.responded) {
      const reason = reasonPhrase(err.status);
      this.socket.write(`HTTP/1.1 ${err.status} ${reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`, 'latin1');
    }
    ex?.notifyAbort(err);
    this.endSocket();
  }

  private endSocket(): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.pending = undefined;
    this.clearTimer();
    this.socket.end();
    // A peer that never reads must not keep the socket alive forever.
    this.armTimer(false, this.options.idleTimeoutMs ?? 3_600_000, true);
  }

  private onEnd(): void {
    this.peerEnded = true;
    const ex = this.exchange;
    if (ex !== undefined && !ex.body.complete) {
      ex.notifyAbort(new Error('downstream closed before the request was complete'));
      this.destroy();
    } else if (ex === undefined) {
      this.endSocket();
    }
    // Half-closed after a complete request: the response can still be written.
  }

  private onClose(): void {
    const ex = this.exchange;
    this.state = State.Closed;
    this.clearTimer();
    this.deadline.dispose();
    this.exchange = undefined;
    if (ex !== undefined) ex.notifyAbort(new Error('downstream connection closed'));
  }

  private armIdle(): void {
    this.armTimer(false, this.options.idleTimeoutMs ?? 3_600_000, false);
  }

  private armHeaders(): void {
    this.armTimer(true, this.options.headersTimeoutMs ?? 10_000, false);
  }

  private armTimer(headers: boolean, ms: number, force: boolean): void {
    this.clearTimer();
    if (ms <= 0 || (this.state === State.Closed && !force)) return;
    this.timerIsHeaders = headers;
    this.deadline.arm(ms);
  }

  private clearTimer(): void {
    this.deadline.clear();
    this.timerIsHeaders = false;
  }

  private timedOut(): void {
    if (this.state === State.Closed) {
      this.socket.destroy();
    } else if (this.timerIsHeaders) {
      this.timerIsHeaders = false;
      this.protocolError(new Http1CodecError('HEADERS_TIMEOUT', 'request head not received in time'));
    } else {
      this.endSocket();
    }
  }
}

/**
 * Serves HTTP/1.x on `socket`: every request head becomes a DownstreamExchange passed to
 * `options.onExchange`, one at a time. Keep-alive follows the request (HTTP/1.1 unless
 * `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`). Malformed heads get 400,
 * oversized ones 431, slow ones 408, each with `connection: close`. `initialData` holds bytes a
 * sniffer already read; the caller must not also unshift them.
 */
export function createHttp1ServerConnection(socket: Duplex, info: ConnectionInfo, options: Http1ServerOptions): Http1ServerConnection {
  return new ServerConnection(socket, info, options);
}
