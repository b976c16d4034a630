// Message bodies on the data path: a source pushes decoded payload chunks into one sink, with
// backpressure. Codecs implement both sides; filters and the router only connect them.
import type { HeaderMap } from './headers.js';

/** Where body bytes go: an upstream request, or a downstream response. */
export interface BodySink {
  /** Writes a payload chunk (never framing bytes); false means wait for `onceDrain`. */
  write(chunk: Buffer): boolean;
  /** Calls `fn` once the sink can take more after `write` returned false. */
  onceDrain(fn: () => void): void;
  /** The body is complete; trailers travel with chunked HTTP/1.1 and HTTP/2 (gRPC status). */
  end(trailers?: HeaderMap): void;
  /** The body cannot complete (peer reset, timeout): the sink resets its side. */
  abort(err: Error): void;
}

/** Where body bytes come from: a downstream request, or an upstream response. */
export interface BodySource {
  /** True when the message is known to have no body (no Content-Length, not chunked, END_STREAM). */
  readonly empty: boolean;
  /** The Content-Length when the peer sent one. */
  readonly length: number | undefined;
  /**
   * Starts the flow into `sink`, once. The source pauses its peer when `sink.write` returns false
   * and resumes on drain. Chunks that arrived before `pipe` are delivered first.
   */
  pipe(sink: BodySink): void;
  /** Drops the rest of the body (a direct response, a redirect): the bytes are read and discarded. */
  discard(): void;
}

/** A source for a body held in memory (direct responses, local replies, retried requests). */
export function bufferedBody(data: Buffer | undefined, trailers?: HeaderMap): BodySource {
  let piped = false;
  return {
    empty: data === undefined || data.length === 0,
    length: data?.length ?? 0,
    pipe(sink) {
      if (piped) throw new Error('body already piped');
      piped = true;
      if (data && data.length > 0) sink.write(data);
      sink.end(trailers);
    },
    discard() {
      piped = true;
    },
  };
}
