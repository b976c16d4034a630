// A message body leaving on an HTTP/2 stream (a downstream response or an upstream request):
// writes with backpressure, then trailers or a bare END_STREAM once the body is complete.
import http2, { type Http2Stream } from 'node:http2';
import type { BodySink } from '../http/body.js';
import type { HeaderMap } from '../http/headers.js';
import { appendHttp2Fields } from './header-translate.js';
import { resetStream, type ResetCode } from './stream-reset.js';

const kSink = Symbol('heddle.http2.sink');
type SinkStream = Http2Stream & { [kSink]?: Http2StreamSink };

/**
 * A BodySink over a stream opened with `waitForTrailers`: `end(trailers)` sends the trailers, or an
 * empty END_STREAM when there are none; `abort` resets the stream with `abortCode`
 * (RST_STREAM only, never END_STREAM first).
 */
export class Http2StreamSink implements BodySink {
  /** Trailers to send when node:http2 asks for them. */
  trailers: HeaderMap | undefined = undefined;
  private ended = false;

  constructor(
    readonly stream: Http2Stream,
    private readonly abortCode: ResetCode,
  ) {
    (stream as SinkStream)[kSink] = this;
    stream.once('wantTrailers', onWantTrailers);
  }

  write(chunk: Buffer): boolean {
    if (this.ended || this.stream.destroyed) return true;
    return this.stream.write(chunk);
  }

  onceDrain(fn: () => void): void {
    this.stream.once('drain', fn);
  }

  end(trailers?: HeaderMap): void {
    if (this.ended) return;
    this.ended = true;
    this.trailers = trailers;
    if (!this.stream.destroyed) this.stream.end();
  }

  abort(_err: Error): void {
    this.ended = true;
    resetStream(this.stream, this.abortCode);
  }
}

function onWantTrailers(this: SinkStream): void {
  const trailers = this[kSink]?.trailers;
  // With no trailers node:http2 sends an empty DATA frame carrying END_STREAM.
  this.sendTrailers(trailers !== undefined && trailers.size > 0 ? appendHttp2Fields(trailers, {}) : {});
}

/** A sink for a message sent with END_STREAM on its header block: there is nothing to write. */
export const CLOSED_SINK: BodySink = Object.freeze({
  write: () => true,
  onceDrain: (fn: () => void) => void fn,
  end: () => undefined,
  abort: () => undefined,
});

/** RST_STREAM codes the codec reads. */
export const RST_CODES = {
  NO_ERROR: http2.constants.NGHTTP2_NO_ERROR,
  CANCEL: http2.constants.NGHTTP2_CANCEL,
  INTERNAL_ERROR: http2.constants.NGHTTP2_INTERNAL_ERROR,
  PROTOCOL_ERROR: http2.constants.NGHTTP2_PROTOCOL_ERROR,
  REFUSED_STREAM: http2.constants.NGHTTP2_REFUSED_STREAM,
} as const;
