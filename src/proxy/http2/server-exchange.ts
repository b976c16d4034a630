// One HTTP/2 stream on a downstream session, as the DownstreamExchange the connection manager
// drives: request head and body in, response head, body and trailers out, resets both ways.
import type { ServerHttp2Stream } from 'node:http2';
import type { BodySink } from '../http/body.js';
import type { ConnectionInfo, DownstreamExchange } from '../http/exchange.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { encodeHttp2ResponseHeaders } from './header-translate.js';
import { Http2StreamBody } from './stream-body.js';
import { resetStream } from './stream-reset.js';
import { CLOSED_SINK, Http2StreamSink, RST_CODES } from './stream-sink.js';

/** What the exchange reports back to its session when its stream closes. */
export interface Http2ExchangeOwner {
  onExchangeClosed(exchange: Http2ServerExchange): void;
}

const kExchange = Symbol('heddle.http2.exchange');
type ExchangeStream = ServerHttp2Stream & { [kExchange]?: Http2ServerExchange };

/** A DownstreamExchange over one server stream. */
export class Http2ServerExchange implements DownstreamExchange {
  readonly body: Http2StreamBody;
  responded = false;
  /** Whether our side of the stream has been ended (END_STREAM sent or queued). */
  responseEnded = false;
  private sink: Http2StreamSink | undefined = undefined;
  private abortFns: ((err: Error) => void)[] | undefined = undefined;
  /** The last error node:http2 reported on the stream, for abort messages. */
  lastError: Error | undefined = undefined;

  constructor(
    readonly stream: ServerHttp2Stream,
    readonly head: RequestHead,
    readonly connection: ConnectionInfo,
    readonly headBytes: number,
    endStream: boolean,
    private readonly owner: Http2ExchangeOwner,
  ) {
    const cl = head.headers.get('content-length');
    this.body = new Http2StreamBody(stream, endStream, cl === undefined ? undefined : Number(cl));
    (stream as ExchangeStream)[kExchange] = this;
    stream.on('error', onStreamError);
    stream.once('close', onStreamClose);
  }

  respond(head: ResponseHead, endStream: boolean): BodySink {
    if (this.responded) throw new Error('respond called twice');
    this.responded = true;
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return CLOSED_SINK;
    if (endStream) {
      this.responseEnded = true;
      stream.respond(encodeHttp2ResponseHeaders(head), { endStream: true });
      return CLOSED_SINK;
    }
    // Always wait for trailers: gRPC status and HTTP/1.1 chunked trailers arrive only at the end.
    stream.respond(encodeHttp2ResponseHeaders(head), { waitForTrailers: true });
    this.sink = new Http2StreamSink(stream, 'internal_error');
    return this;
  }

  /** Resets the stream: INTERNAL_ERROR once a response has started, CANCEL before. */
  reset(): void {
    this.responseEnded = true;
    resetStream(this.stream, this.responded ? 'internal_error' : 'cancel');
  }

  onAbort(fn: (err: Error) => void): void {
    (this.abortFns ??= []).push(fn);
  }

  // The response BodySink, on the exchange itself to save an object per request.
  write(chunk: Buffer): boolean {
    return this.sink!.write(chunk);
  }

  onceDrain(fn: () => void): void {
    this.sink!.onceDrain(fn);
  }

  end(trailers?: Parameters<BodySink['end']>[0]): void {
    this.responseEnded = true;
    this.sink!.end(trailers);
  }

  abort(err: Error): void {
    this.responseEnded = true;
    this.sink!.abort(err);
  }

  /** The stream closed: a reset from the client or a dying session aborts what is unfinished. */
  closed(rstCode: number): void {
    const clean = rstCode === RST_CODES.NO_ERROR;
    if (!this.body.ended) this.body.fail(this.closeError(rstCode));
    if (!(clean && this.responseEnded) && this.abortFns !== undefined) {
      const err = this.closeError(rstCode);
      for (const fn of this.abortFns) fn(err);
    }
    this.abortFns = undefined;
    this.owner.onExchangeClosed(this);
  }

  private closeError(rstCode: number): Error {
    return new Error(`downstream stream closed with code ${rstCode}`, { cause: this.lastError });
  }
}

function onStreamError(this: ExchangeStream, err: Error): void {
  const exchange = this[kExchange];
  if (exchange !== undefined) exchange.lastError = err;
}

function onStreamClose(this: ExchangeStream): void {
  this[kExchange]?.closed(this.rstCode ?? RST_CODES.NO_ERROR);
}
