// One request to an upstream over HTTP/1.1: the UpstreamRequest the router holds and the BodySink
// of its request body, which chooses the framing once it knows whether the body's length is known.
import type { BodySink } from '../http/body.js';
import type { UpstreamRequest, UpstreamResponseHandler } from '../http/exchange.js';
import type { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';
import { writeRequestHead, type OutgoingFraming } from './http1-head-writer.js';

/** The connection a stream is written to. */
export interface StreamConnection {
  write(data: Buffer | string): boolean;
  cork(): void;
  uncork(): void;
  onceDrain(fn: () => void): void;
  /** The whole request has been written. */
  onRequestComplete(stream: Http1ClientStream): void;
  /** Tears the connection down; the stream's handler is not called again. */
  cancel(stream: Http1ClientStream): void;
}

/** What the pool does when a stream is cancelled before it had a connection. */
export interface StreamOwner {
  dequeue(stream: Http1ClientStream): void;
}

const CRLF = '\r\n';
/** Held request bytes before a connection is assigned, before `write` says wait. */
const HELD_HIGH_WATER = 64 * 1024;

/** A request on its way upstream; also its own request-body sink. */
export class Http1ClientStream implements UpstreamRequest, BodySink {
  readonly body: BodySink = this;
  conn: StreamConnection | undefined;
  /** No more handler calls: cancelled, failed or finished. */
  done = false;
  requestComplete = false;
  headSent = false;
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private ended = false;
  private trailers: HeaderMap | undefined;
  private framing: OutgoingFraming = 'none';
  private drainFns: (() => void)[] | undefined;
  readonly upgrade: boolean;

  constructor(
    readonly head: RequestHead,
    readonly handler: UpstreamResponseHandler,
    private readonly owner: StreamOwner,
    /** The caller ends the body before the event loop turns (see UpstreamClient.request). */
    private readonly bodyEnding = false,
  ) {
    this.upgrade = head.method === 'CONNECT' || head.headers.has('upgrade');
  }

  /** Binds the stream to a connected socket and writes what can be written. */
  assign(conn: StreamConnection): void {
    this.conn = conn;
    if (this.ended || this.upgrade || this.head.headers.has('content-length')) this.flush();
    // `end` flushes once it comes: with the caller's promise it comes in this turn, so no tick.
    else if (!this.bodyEnding) process.nextTick(flushLater, this);
  }

  write(chunk: Buffer): boolean {
    if (this.done || this.ended || chunk.length === 0) return true;
    if (!this.headSent) {
      (this.held ??= []).push(chunk);
      this.heldBytes += chunk.length;
      return this.heldBytes < HELD_HIGH_WATER;
    }
    return this.writeChunk(chunk);
  }

  onceDrain(fn: () => void): void {
    if (this.headSent && this.conn !== undefined) this.conn.onceDrain(fn);
    else (this.drainFns ??= []).push(fn);
  }

  end(trailers?: HeaderMap): void {
    if (this.ended || this.done) return;
    this.ended = true;
    this.trailers = trailers;
    if (!this.headSent) {
      if (this.conn !== undefined) this.flush();
      return;
    }
    this.writeEnd();
  }

  abort(_err: Error): void {
    this.cancel();
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    if (this.conn !== undefined) this.conn.cancel(this);
    else this.owner.dequeue(this);
  }

  /** Writes the head and held body once the framing is known. */
  flush(): void {
    if (this.headSent || this.done || this.conn === undefined) return;
    this.headSent = true;
    const conn = this.conn;
    let length = 0;
    if (this.upgrade) this.framing = 'none';
    else if (this.head.headers.has('content-length')) this.framing = 'length';
    else if (this.ended) {
      length = this.heldBytes;
      this.framing = length > 0 ? 'length' : 'none';
    } else this.framing = 'chunked';
    const held = this.held;
    this.held = undefined;
    this.heldBytes = 0;
    // A head alone (no body yet, or none at all) is one write; corking it would only add work.
    const cork = held !== undefined || (this.ended && this.framing === 'chunked');
    if (cork) conn.cork();
    conn.write(writeRequestHead(this.head, this.framing, length, this.upgrade));
    if (held !== undefined) for (const chunk of held) this.writeChunk(chunk);
    if (this.ended) this.writeEnd();
    if (cork) conn.uncork();
    const fns = this.drainFns;
    this.drainFns = undefined;
    if (fns !== undefined) for (const fn of fns) fn();
  }

  private writeChunk(chunk: Buffer): boolean {
    const conn = this.conn!;
    if (this.framing !== 'chunked') return conn.write(chunk);
    conn.write(`${chunk.length.toString(16)}\r\n`);
    conn.write(chunk);
    return conn.write(CRLF);
  }

  private writeEnd(): void {
    const conn = this.conn!;
    if (this.framing === 'chunked') {
      let text = '0\r\n';
      if (this.trailers !== undefined) this.trailers.forEach((name, value) => (text += `${name}: ${value}\r\n`));
      conn.write(`${text}\r\n`);
    }
    this.requestComplete = true;
    conn.onRequestComplete(this);
  }
}

function flushLater(stream: Http1ClientStream): void {
  stream.flush();
}
