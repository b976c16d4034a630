// One request on an upstream HTTP/2 connection: opens the stream, sends the body with
// backpressure, hands the response over, and classifies how it failed.
import http2, { type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type { BodySink } from '../http/body.js';
import { UpstreamError, type UpstreamFailure, type UpstreamRequest, type UpstreamResponseHandler } from '../http/exchange.js';
import type { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';
import type { Http2ClientSession } from './client-session.js';
import { decodeHttp2ResponseHead, encodeHttp2RequestHeaders } from './header-translate.js';
import { Http2StreamBody, flatten } from './stream-body.js';
import { resetStream } from './stream-reset.js';
import { Http2StreamSink, RST_CODES } from './stream-sink.js';

/** What a request tells its pool. */
export interface Http2RequestOwner {
  /** The request is over (finished, failed or cancelled): free its place. */
  onRequestDone(request: Http2UpstreamRequest): void;
}

const kRequest = Symbol('heddle.http2.request');
type RequestStream = ClientHttp2Stream & { [kRequest]?: Http2UpstreamRequest };
const END_STREAM = http2.constants.NGHTTP2_FLAG_END_STREAM;

/**
 * An UpstreamRequest, and the BodySink for its request body. Before a stream is open (waiting
 * for a connection) body chunks are held and `write` returns false, so the source pauses.
 */
export class Http2UpstreamRequest implements UpstreamRequest, BodySink {
  /** The connection this request holds a place on, once assigned. */
  session: Http2ClientSession | undefined = undefined;
  private stream: RequestStream | undefined = undefined;
  private sink: Http2StreamSink | undefined = undefined;
  private held: Buffer[] | undefined = undefined;
  private drainFn: (() => void) | undefined = undefined;
  private ended = false;
  private endTrailers: HeaderMap | undefined = undefined;
  private cancelled = false;
  private done = false;
  private responseBody: Http2StreamBody | undefined = undefined;
  private lastError: Error | undefined = undefined;
  private badResponse = false;

  constructor(
    readonly head: RequestHead,
    private readonly handler: UpstreamResponseHandler,
    private readonly owner: Http2RequestOwner,
  ) {}

  get body(): BodySink {
    return this;
  }

  /** Takes a place on `session`; the stream opens on the next tick, so a body-less request can carry END_STREAM on its headers. */
  assign(session: Http2ClientSession): void {
    this.session = session;
    session.reserve();
    process.nextTick(openOnTick, this);
  }

  /** @internal */
  open(): void {
    if (this.done) return;
    const session = this.session!.session;
    if (session.closed || session.destroyed) return this.failBeforeStart('reset_before_response', new Error('upstream connection closed before the request was sent'));
    const endStream = this.ended && this.held === undefined && (this.endTrailers === undefined || this.endTrailers.size === 0);
    let stream: RequestStream;
    try {
      stream = session.request(encodeHttp2RequestHeaders(this.head), endStream ? { endStream: true } : { endStream: false, waitForTrailers: true });
    } catch (err) {
      return this.failBeforeStart('protocol_error', err as Error);
    }
    this.stream = stream;
    stream[kRequest] = this;
    stream.on('response', onResponse);
    stream.on('error', onStreamError);
    stream.once('close', onStreamClose);
    if (endStream) return;
    const sink = (this.sink = new Http2StreamSink(stream, 'cancel'));
    let full = false;
    if (this.held !== undefined) for (const chunk of this.held) full = !sink.write(chunk);
    this.held = undefined;
    if (this.ended) sink.end(this.endTrailers);
    const drain = this.drainFn;
    this.drainFn = undefined;
    if (drain !== undefined) {
      if (full) sink.onceDrain(drain);
      else drain();
    }
  }

  write(chunk: Buffer): boolean {
    if (this.sink !== undefined) return this.sink.write(chunk);
    if (this.done || this.ended) return true;
    (this.held ??= []).push(chunk);
    return false;
  }

  onceDrain(fn: () => void): void {
    if (this.sink !== undefined) this.sink.onceDrain(fn);
    else this.drainFn = fn;
  }

  end(trailers?: HeaderMap): void {
    if (this.sink !== undefined) return this.sink.end(trailers);
    this.ended = true;
    this.endTrailers = trailers;
  }

  abort(_err: Error): void {
    this.cancel();
  }

  /** RST_STREAM CANCEL if the stream is open; a waiting request just leaves the queue. No callback follows. */
  cancel(): void {
    if (this.done || this.cancelled) return;
    this.cancelled = true;
    if (this.stream === undefined) {
      this.done = true;
      this.owner.onRequestDone(this);
    } else {
      resetStream(this.stream, 'cancel');
    }
  }

  /** Fails a request whose stream never opened (no connection, or it closed first). */
  failBeforeStart(failure: UpstreamFailure, cause: Error | undefined): void {
    if (this.done) return;
    this.done = true;
    this.owner.onRequestDone(this);
    if (!this.cancelled) this.handler.onError(new UpstreamError(failure, `upstream ${failure.replace(/_/g, ' ')}`, { cause }));
  }

  /** @internal */
  responded(raw: readonly string[], flags: number): void {
    const decoded = decodeHttp2ResponseHead(raw);
    if (!decoded.ok) {
      this.lastError = new Error(decoded.error);
      this.badResponse = true;
      resetStream(this.stream!, 'internal_error');
      return;
    }
    const cl = decoded.value.headers.get('content-length');
    this.responseBody = new Http2StreamBody(this.stream!, (flags & END_STREAM) !== 0, cl === undefined ? undefined : Number(cl));
    this.handler.onResponse(decoded.value, this.responseBody);
  }

  /** @internal */
  errored(err: Error): void {
    this.lastError = err;
  }

  /** @internal The stream closed: a normal end, a cancel, or a reset to classify. */
  closed(rstCode: number): void {
    if (this.done) return;
    this.done = true;
    this.owner.onRequestDone(this);
    if (this.cancelled) return;
    const body = this.responseBody;
    if (body === undefined) {
      let failure: UpstreamFailure = rstCode === RST_CODES.REFUSED_STREAM ? 'refused_stream' : 'reset_before_response';
      if (this.badResponse || rstCode === RST_CODES.PROTOCOL_ERROR) failure = 'protocol_error';
      this.handler.onError(new UpstreamError(failure, `upstream stream closed before a response (code ${rstCode})`, { cause: this.lastError }));
    } else if (!body.ended) {
      const err = new UpstreamError('reset_after_response', `upstream stream closed during the response (code ${rstCode})`, { cause: this.lastError });
      body.fail(err);
      this.handler.onError(err);
    }
  }
}

function openOnTick(request: Http2UpstreamRequest): void {
  request.open();
}

function onResponse(this: RequestStream, headers: IncomingHttpHeaders, flags: number, raw?: string[]): void {
  this[kRequest]?.responded(raw ?? flatten(headers), flags);
}

function onStreamError(this: RequestStream, err: Error): void {
  this[kRequest]?.errored(err);
}

function onStreamClose(this: RequestStream): void {
  this[kRequest]?.closed(this.rstCode ?? 0);
}
