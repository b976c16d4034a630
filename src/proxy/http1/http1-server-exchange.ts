// One request/response exchange on a downstream HTTP/1.1 connection: the DownstreamExchange the
// connection manager sees, and the BodySink that frames the response onto the socket.
import type { Duplex } from 'node:stream';
import type { BodySink } from '../http/body.js';
import type { ConnectionInfo, DownstreamExchange } from '../http/exchange.js';
import type { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import type { Http1BodyReader } from './http1-body-reader.js';
import type { ParsedRequest } from './http1-head-parser.js';
import { writeResponseHead, type OutgoingFraming } from './http1-head-writer.js';

/** What an exchange needs from its connection. */
export interface ExchangeHost {
  readonly socket: Duplex;
  /** The response has been written completely. */
  onResponseComplete(exchange: Http1ServerExchange): void;
  /** Whether the connection may stay open after this exchange. */
  canKeepAlive(exchange: Http1ServerExchange): boolean;
  /** Hands the socket over after an upgrade response. */
  detach(exchange: Http1ServerExchange): Duplex;
  /** Closes the connection now. */
  destroy(err?: Error): void;
}

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
/** A first body chunk up to this size is sent in the same string write as the head. */
const SMALL_BODY_BYTES = 4096;

/** A response sink that takes nothing, returned when `respond` ends the stream. */
const ENDED_SINK: BodySink = {
  write: () => true,
  onceDrain: (fn) => fn(),
  end: () => undefined,
  abort: () => undefined,
};

/** A downstream exchange on HTTP/1.1; also the sink of its own response body. */
export class Http1ServerExchange implements DownstreamExchange, BodySink {
  readonly head: RequestHead;
  readonly body: Http1BodyReader;
  readonly keepAliveRequested: boolean;
  readonly expectContinue: boolean;
  readonly upgradeRequested: boolean;
  responded = false;
  /** The response's last byte has been handed to the socket. */
  responseComplete = false;
  /** Whether the connection stays open after this exchange, decided by `respond`. */
  keepAlive = false;
  /** 100 Continue was sent (or is no longer needed). */
  continueSent = false;
  private framing: OutgoingFraming = 'none';
  /** The response head, until the first body chunk or the next tick takes it to the socket. */
  private heldHead: string | undefined;
  private upgraded = false;
  private aborts: ((err: Error) => void)[] | undefined;

  constructor(
    private readonly host: ExchangeHost,
    parsed: ParsedRequest,
    body: Http1BodyReader,
    readonly connection: ConnectionInfo,
    readonly headBytes: number,
  ) {
    this.head = parsed.head;
    this.body = body;
    this.keepAliveRequested = parsed.keepAlive;
    this.expectContinue = parsed.expectContinue;
    this.upgradeRequested = parsed.upgrade;
  }

  respond(head: ResponseHead, endStream: boolean): BodySink {
    if (this.responded) throw new Error('respond called twice');
    this.responded = true;
    const status = head.status;
    const http10 = this.head.protocol === 'HTTP/1.0';
    const upgrade = this.upgradeRequested && (status === 101 || (this.head.method === 'CONNECT' && status >= 200 && status < 300));
    const bodyless = upgrade || this.head.method === 'HEAD' || status < 200 || status === 204 || status === 304;
    let framing: OutgoingFraming;
    let length = 0;
    if (bodyless) framing = 'none';
    else if (head.headers.has('content-length')) framing = 'length';
    else if (endStream) framing = 'length';
    else framing = http10 ? 'close' : 'chunked';
    this.framing = bodyless ? 'none' : framing;
    if (framing === 'length' && endStream && !head.headers.has('content-length')) length = 0;
    const keepAlive = !upgrade && framing !== 'close' && this.host.canKeepAlive(this);
    this.keepAlive = keepAlive;
    const text = writeResponseHead(head, http10, framing, length, keepAlive, upgrade);
    const socket = this.host.socket;
    if (upgrade) {
      this.upgraded = true;
      socket.write(text, 'latin1');
      return ENDED_SINK;
    }
    if (endStream) {
      socket.write(text, 'latin1');
      this.finishResponse();
      return ENDED_SINK;
    }
    // Held until the first body chunk (usually in this same turn), so both leave in one write;
    // a body that takes longer gets the head on its own at the next tick.
    this.heldHead = text;
    process.nextTick(flushHeldHead, this);
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.responseComplete || chunk.length === 0) return true;
    const socket = this.host.socket;
    const held = this.heldHead;
    if (this.framing === 'none') return true;
    if (this.framing !== 'chunked') {
      if (held === undefined) return socket.write(chunk);
      this.heldHead = undefined;
      // One string for a small body: cheaper than corking two chunks into a writev.
      if (chunk.length <= SMALL_BODY_BYTES) return socket.write(held + chunk.toString('latin1'), 'latin1');
      socket.cork();
      socket.write(held, 'latin1');
      const ok = socket.write(chunk);
      socket.uncork();
      return ok;
    }
    socket.cork();
    if (held !== undefined) {
      this.heldHead = undefined;
      socket.write(held, 'latin1');
    }
    socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    socket.write(chunk);
    const ok = socket.write(CRLF);
    socket.uncork();
    return ok;
  }

  /** @internal Writes the held head if no body chunk took it along (the next tick after `respond`). */
  flushHead(): void {
    const held = this.heldHead;
    if (held === undefined) return;
    this.heldHead = undefined;
    this.host.socket.write(held, 'latin1');
  }

  onceDrain(fn: () => void): void {
    this.host.socket.once('drain', fn);
  }

  end(trailers?: HeaderMap): void {
    if (this.responseComplete) return;
    const held = this.heldHead ?? '';
    this.heldHead = undefined;
    if (this.framing === 'chunked') {
      if (trailers !== undefined && trailers.size > 0) {
        let text = '0\r\n';
        trailers.forEach((name, value) => {
          text += `${name}: ${value}\r\n`;
        });
        this.host.socket.write(`${held}${text}\r\n`, 'latin1');
      } else if (held !== '') {
        this.host.socket.write(`${held}0\r\n\r\n`, 'latin1');
      } else {
        this.host.socket.write(LAST_CHUNK);
      }
    } else if (held !== '') {
      this.host.socket.write(held, 'latin1');
    }
    this.finishResponse();
  }

  abort(err: Error): void {
    if (this.responseComplete) return;
    this.heldHead = undefined;
    this.responseComplete = true;
    this.host.destroy(err);
  }

  reset(): void {
    this.host.destroy();
  }

  onAbort(fn: (err: Error) => void): void {
    (this.aborts ??= []).push(fn);
  }

  upgrade(): Duplex {
    if (!this.upgraded) throw new Error('upgrade() needs a 101 response, or a 2xx response to CONNECT');
    return this.host.detach(this);
  }

  /** @internal The downstream went away before the response was complete. */
  notifyAbort(err: Error): void {
    this.body.fail(err);
    if (this.responseComplete || this.upgraded) return;
    const fns = this.aborts;
    this.aborts = undefined;
    if (fns !== undefined) for (const fn of fns) fn(err);
  }

  private finishResponse(): void {
    this.responseComplete = true;
    this.host.onResponseComplete(this);
  }
}

function flushHeldHead(exchange: Http1ServerExchange): void {
  exchange.flushHead();
}
