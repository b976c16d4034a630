// A message body arriving on an HTTP/2 stream (a downstream request or an upstream response),
// handed to one sink with backpressure: the stream is paused while the sink is full, which stops
// WINDOW_UPDATEs, so the peer's flow control bounds what we hold.
import type { Http2Stream, IncomingHttpHeaders } from 'node:http2';
import type { BodySink, BodySource } from '../http/body.js';
import type { HeaderMap } from '../http/headers.js';
import { decodeHttp2Trailers } from './header-translate.js';

const kBody = Symbol('heddle.http2.body');
type BodyStream = Http2Stream & { [kBody]?: Http2StreamBody };

/** The body of one HTTP/2 stream, as a BodySource. The codec calls `fail` when the stream breaks. */
export class Http2StreamBody implements BodySource {
  readonly empty: boolean;
  readonly length: number | undefined;
  /** Internal state, read by the stream's event handlers. */
  sink: BodySink | undefined = undefined;
  trailers: HeaderMap | undefined = undefined;
  done = false;
  failure: Error | undefined = undefined;
  resumeStream: (() => void) | undefined = undefined;
  private taken = false;

  /** `empty` is true when the header block carried END_STREAM. */
  constructor(
    readonly stream: Http2Stream,
    empty: boolean,
    length: number | undefined,
  ) {
    this.empty = empty;
    this.length = length;
    (stream as BodyStream)[kBody] = this;
    if (empty) this.done = true;
    else stream.on('trailers', onTrailers);
  }

  pipe(sink: BodySink): void {
    if (this.taken) throw new Error('body already piped');
    this.taken = true;
    this.sink = sink;
    if (this.failure !== undefined) {
      sink.abort(this.failure);
      return;
    }
    if (this.empty) {
      this.stream.resume();
      sink.end(undefined);
      return;
    }
    this.stream.on('data', onData);
    this.stream.on('end', onEnd);
  }

  discard(): void {
    if (this.taken) return;
    this.taken = true;
    // Nobody waits for the rest, so a reset after this point is nobody's failure.
    this.done = true;
    this.stream.resume();
  }

  /** Whether the body arrived completely (or there was none). */
  get ended(): boolean {
    return this.done && this.failure === undefined;
  }

  /** The stream broke before the body ended: the sink, once there is one, is aborted. */
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.failure = err;
    if (this.sink !== undefined) this.sink.abort(err);
  }
}

function onData(this: BodyStream, chunk: Buffer): void {
  const body = this[kBody]!;
  if (body.done || body.sink!.write(chunk)) return;
  this.pause();
  // One function per body, made only when backpressure first happens.
  body.resumeStream ??= () => body.stream.resume();
  body.sink!.onceDrain(body.resumeStream);
}

function onEnd(this: BodyStream): void {
  const body = this[kBody]!;
  if (body.done) return;
  // node:http2 also ends the readable side when the peer resets with CANCEL: that is no end.
  const code = this.rstCode;
  if (code !== undefined && code !== 0) return body.fail(new Error(`stream reset with code ${code} before the body ended`));
  body.done = true;
  body.sink!.end(body.trailers);
}

function onTrailers(this: BodyStream, _headers: IncomingHttpHeaders, _flags: number, raw?: string[]): void {
  const body = this[kBody]!;
  body.trailers = decodeHttp2Trailers(raw ?? flatten(_headers));
}

/** Flat pairs from a header object, for Node versions that do not pass the raw block. */
export function flatten(headers: IncomingHttpHeaders): string[] {
  const out: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else if (value !== undefined) out.push(name, String(value));
  }
  return out;
}
