// One pooled upstream HTTP/1.1 connection: connects, carries one request at a time, parses the
// response (skipping 1xx) and reports failures as UpstreamError with the failure the router needs.
import net from 'node:net';
import tls from 'node:tls';
import { UpstreamError, type UpstreamFailure } from '../http/exchange.js';
import { Http1BodyReader, type BodyReaderOwner } from './http1-body-reader.js';
import { parseResponseHead } from './http1-head-parser.js';
import type { ResponseHead } from '../http/message.js';
import type { Http1ClientStream, StreamConnection } from './http1-client-stream.js';
import { Http1Deadline } from './http1-deadline.js';
import type { Http1Timers } from './http1-timers.js';

/** Where a connection goes and how long it may take. */
export interface ClientConnectionConfig {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly localAddress?: string;
  readonly tls?: tls.ConnectionOptions;
  readonly maxHeadBytes: number;
  readonly timers: Http1Timers;
}

/** The pool a connection belongs to. */
export interface ConnectionPool {
  onConnected(conn: Http1ClientConnection): void;
  /** The response and request are both complete; `reusable` says if the socket can serve again. */
  onStreamDone(conn: Http1ClientConnection, stream: Http1ClientStream, reusable: boolean): void;
  onClosed(conn: Http1ClientConnection): void;
}

const enum State {
  Connecting,
  Idle,
  Head,
  Body,
  Closed,
}

/** A socket to the upstream endpoint. */
export class Http1ClientConnection implements StreamConnection, BodyReaderOwner {
  readonly socket: net.Socket;
  stream: Http1ClientStream | undefined;
  /** Where the pool counts this connection. */
  poolState: 'connecting' | 'active' | 'idle' | 'gone' = 'connecting';
  /** Requests this connection has carried. */
  served = 0;
  private state = State.Connecting;
  private pending: Buffer | undefined;
  private reader: Http1BodyReader | undefined;
  private keepAlive = false;
  private responseComplete = false;
  private lastError: NodeJS.ErrnoException | undefined;
  private timer: unknown;
  private timedOut = false;
  private paused = false;
  /** The pool's idle timeout, kept as a deadline so that a busy connection sets no timer per request. */
  private readonly idleDeadline: Http1Deadline;

  constructor(
    private readonly config: ClientConnectionConfig,
    private readonly pool: ConnectionPool,
  ) {
    const opts = { host: config.host, port: config.port, localAddress: config.localAddress };
    this.socket = config.tls !== undefined ? tls.connect({ ...config.tls, ...opts }) : net.connect(opts);
    this.socket.setNoDelay(true);
    this.socket.once(config.tls !== undefined ? 'secureConnect' : 'connect', () => this.onConnect());
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => (this.lastError ??= err));
    this.socket.on('close', () => this.onClose());
    this.socket.on('end', () => this.socket.end());
    this.idleDeadline = new Http1Deadline(config.timers, () => this.state === State.Idle && this.socket.destroy());
    if (config.connectTimeoutMs > 0) this.timer = config.timers.setTimeout(() => this.onConnectTimeout(), config.connectTimeoutMs);
  }

  get connected(): boolean {
    return this.state !== State.Connecting && this.state !== State.Closed;
  }

  get idle(): boolean {
    return this.state === State.Idle;
  }

  /** Holds `stream` for this connection while it connects; a connect failure fails it. */
  reserve(stream: Http1ClientStream): void {
    this.stream = stream;
  }

  /** Starts `stream` on this (connected, idle) connection. */
  start(stream: Http1ClientStream): void {
    this.stream = stream;
    this.served++;
    this.state = State.Head;
    this.responseComplete = false;
    this.reader = undefined;
    this.idleDeadline.clear();
    if (this.paused) this.resumeReading();
    stream.assign(this);
  }

  write(data: Buffer | string): boolean {
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  onceDrain(fn: () => void): void {
    this.socket.once('drain', fn);
  }

  onRequestComplete(stream: Http1ClientStream): void {
    if (stream === this.stream && this.responseComplete) this.release();
  }

  cancel(stream: Http1ClientStream): void {
    if (stream !== this.stream) return;
    this.reader?.fail(new UpstreamError('reset_after_response', 'request cancelled'));
    this.destroy();
  }

  /** Closes the connection once it has been idle for `ms` without a new request (0: never). */
  closeWhenIdleFor(ms: number): void {
    if (ms > 0) this.idleDeadline.arm(ms);
  }

  /** Closes the socket; an active stream fails as its state says. */
  destroy(): void {
    this.socket.destroy();
  }

  pauseReading(): void {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  resumeReading(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  onBodyPiped(): void {}

  onBodyComplete(): void {
    this.responseComplete = true;
    this.state = State.Idle;
    const stream = this.stream;
    if (stream !== undefined && stream.requestComplete) this.release();
  }

  private release(): void {
    const stream = this.stream!;
    this.stream = undefined;
    this.reader = undefined;
    stream.done = true;
    this.state = State.Idle;
    const reusable = this.keepAlive && this.pending === undefined;
    this.pool.onStreamDone(this, stream, reusable);
  }

  private onConnect(): void {
    this.clearTimer();
    this.state = State.Idle;
    this.pool.onConnected(this);
  }

  private onConnectTimeout(): void {
    this.timer = undefined;
    if (this.state !== State.Connecting) return;
    this.timedOut = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const stream = this.stream;
    if (stream === undefined || this.state === State.Idle || this.state === State.Closed) {
      // Bytes with no request outstanding: the connection cannot be trusted any more.
      this.socket.destroy();
      return;
    }
    if (this.state === State.Body && this.pending === undefined) {
      const n = this.reader!.feed(chunk, 0, chunk.length);
      if (n < 0) {
        this.fail('protocol_error', this.reader!.decodeError!.message);
        return;
      }
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    this.pending = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending !== undefined && this.stream === stream) {
      if (this.state === State.Head) {
        if (!this.readHead(stream)) return;
      } else if (this.state === State.Body) {
        const buf: Buffer = this.pending;
        // Cleared first: completing the body may release the connection, which checks for leftovers.
        this.pending = undefined;
        const n = this.reader!.feed(buf, 0, buf.length);
        if (n < 0) {
        this.fail('protocol_error', this.reader!.decodeError!.message);
        return;
      }
        if (n < buf.length) this.pending = this.pending === undefined ? buf.subarray(n) : Buffer.concat([buf.subarray(n), this.pending]);
      } else {
        this.fail('protocol_error', 'bytes after the response');
        return;
      }
    }
    if (this.pending !== undefined && this.stream !== stream && (this.state as State) !== State.Closed) {
      // Bytes past a complete response: the connection cannot be trusted any more.
      this.pending = undefined;
      this.socket.destroy();
    }
  }

  private readHead(stream: Http1ClientStream): boolean {
    const buf = this.pending!;
    const at = buf.indexOf('\r\n\r\n', 0, 'latin1');
    if (at < 0) {
      if (buf.length > this.config.maxHeadBytes) this.fail('protocol_error', 'response head too large');
      return false;
    }
    const parsed = parseResponseHead(buf.toString('latin1', 0, at), stream.head.method, 100);
    if (!parsed.ok) {
      this.fail('protocol_error', parsed.error.message);
      return false;
    }
    const res = parsed.value;
    const rest = at + 4 === buf.length ? undefined : buf.subarray(at + 4);
    this.pending = rest;
    const status = res.head.status;
    if (stream.upgrade && (status === 101 || (stream.head.method === 'CONNECT' && status >= 200 && status < 300))) {
      return this.handOver(stream, res.head);
    }
    if (status < 200) return status !== 101 || this.fail('protocol_error', 'unrequested 101 response');
    this.keepAlive = res.keepAlive;
    const reader = new Http1BodyReader(this, res.framing, res.length, this.config.maxHeadBytes);
    this.reader = reader;
    this.state = State.Body;
    stream.handler.onResponse(res.head, reader);
    if (reader.complete && this.stream === stream) this.onBodyComplete();
    return true;
  }

  private handOver(stream: Http1ClientStream, head: ResponseHead): boolean {
    const onUpgrade = stream.handler.onUpgrade;
    if (onUpgrade === undefined) return this.fail('protocol_error', 'upgrade response without an upgrade handler');
    const socket = this.socket;
    this.stream = undefined;
    stream.done = true;
    this.state = State.Closed;
    socket.pause();
    socket.removeAllListeners('data');
    socket.removeAllListeners('close');
    socket.removeAllListeners('end');
    if (this.pending !== undefined) socket.unshift(this.pending);
    this.pending = undefined;
    this.pool.onClosed(this);
    onUpgrade.call(stream.handler, head, socket);
    return false;
  }

  private fail(failure: UpstreamFailure, message: string): false {
    const stream = this.stream;
    this.stream = undefined;
    this.state = State.Closed;
    this.socket.destroy();
    if (stream !== undefined && !stream.done) {
      stream.done = true;
      const err = new UpstreamError(failure, message, { cause: this.lastError });
      this.reader?.fail(err);
      stream.handler.onError(err);
    }
    return false;
  }

  private onClose(): void {
    this.clearTimer();
    this.idleDeadline.dispose();
    const wasConnecting = this.state === State.Connecting;
    const stream = this.stream;
    if (stream !== undefined && !stream.done) {
      const reader = this.reader;
      if (reader !== undefined && reader.finishAtEof()) {
        // A close-delimited body ended normally.
      } else if (reader !== undefined && reader.complete) {
        // The response was complete; only the request body was still going.
      } else {
        const code = this.lastError?.code;
        const failure: UpstreamFailure = wasConnecting
          ? this.timedOut
            ? 'connect_timeout'
            : 'connect_failure'
          : reader === undefined
            ? 'reset_before_response'
            : 'reset_after_response';
        this.fail(failure, `upstream ${failure.replace(/_/g, ' ')}${code !== undefined ? ` (${code})` : ''}`);
      }
    }
    this.state = State.Closed;
    this.stream = undefined;
    this.pool.onClosed(this);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.config.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
