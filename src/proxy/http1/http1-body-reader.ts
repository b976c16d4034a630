// The BodySource of an HTTP/1.1 message being received: the connection feeds it socket bytes, it
// removes the framing and passes payload to its sink, pausing the socket while the sink is full.
import type { BodySink, BodySource } from '../http/body.js';
import type { HeaderMap } from '../http/headers.js';
import { ChunkedDecoder } from './http1-chunked-decoder.js';
import type { Http1CodecError } from './http1-errors.js';
import type { BodyFraming } from './http1-framing.js';

/** The connection a body is read from. */
export interface BodyReaderOwner {
  /** Stop reading the socket: the sink is full or nobody has piped yet. */
  pauseReading(): void;
  resumeReading(): void;
  /** The body was piped for the first time (the server sends 100 Continue here). */
  onBodyPiped(reader: Http1BodyReader): void;
  /** The body's last byte has been read off the wire. */
  onBodyComplete(reader: Http1BodyReader): void;
}

/** How much payload is held before anyone pipes, before the socket is paused. */
const UNPIPED_HIGH_WATER = 64 * 1024;

/** A received message body, fed by its connection through `feed`, `finishAtEof` and `fail`. */
export class Http1BodyReader implements BodySource {
  readonly empty: boolean;
  readonly length: number | undefined;
  /** The wire has delivered the whole body. */
  complete: boolean;
  private sink: BodySink | undefined;
  private piped = false;
  private discarding = false;
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private trailers: HeaderMap | undefined;
  private error: Error | undefined;
  private remaining: number;
  private readonly chunked: ChunkedDecoder | undefined;
  private waitingDrain = false;
  private readonly onDrain = (): void => {
    this.waitingDrain = false;
    this.owner.resumeReading();
  };

  constructor(
    private readonly owner: BodyReaderOwner,
    readonly framing: BodyFraming,
    length: number,
    maxTrailerBytes: number,
  ) {
    this.empty = framing === 'none';
    this.length = framing === 'length' ? length : framing === 'none' ? 0 : undefined;
    this.remaining = length;
    this.complete = framing === 'none';
    this.chunked = framing === 'chunked' ? new ChunkedDecoder(maxTrailerBytes, 100) : undefined;
  }

  /**
   * Takes bytes from the wire; returns how many belong to this body, or -1 when the chunked
   * framing is invalid (`decodeError` says why). The rest belong to the next message.
   */
  feed(buf: Buffer, start: number, end: number): number {
    if (this.complete) return 0;
    if (this.framing === 'close') {
      this.onPayload(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
      return end - start;
    }
    if (this.framing === 'length') {
      const n = Math.min(this.remaining, end - start);
      this.onPayload(n === buf.length ? buf : buf.subarray(start, start + n));
      this.remaining -= n;
      if (this.remaining === 0) this.finish(undefined);
      return n;
    }
    const decoder = this.chunked!;
    const n = decoder.decode(buf, start, end, this);
    if (n < 0) return -1;
    if (decoder.done) this.finish(decoder.trailers);
    return n;
  }

  /** The chunked framing error after `feed` returned -1. */
  get decodeError(): Http1CodecError | undefined {
    return this.chunked?.error;
  }

  /** The connection reached EOF: completes a close-delimited body; returns whether it did. */
  finishAtEof(): boolean {
    if (this.complete || this.framing !== 'close') return false;
    this.finish(undefined);
    return true;
  }

  /** The body cannot complete; the sink is aborted (now or when piped). */
  fail(err: Error): void {
    if (this.complete || this.error !== undefined) return;
    this.error = err;
    this.held = undefined;
    if (this.sink !== undefined) this.sink.abort(err);
  }

  /** @internal payload from the chunked decoder. */
  onPayload(chunk: Buffer): void {
    if (chunk.length === 0 || this.discarding) return;
    const sink = this.sink;
    if (sink !== undefined) {
      if (!sink.write(chunk) && !this.waitingDrain) {
        this.waitingDrain = true;
        this.owner.pauseReading();
        sink.onceDrain(this.onDrain);
      }
      return;
    }
    // The socket reuses nothing, but a subarray keeps the whole read buffer alive: fine for 64 KiB.
    (this.held ??= []).push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= UNPIPED_HIGH_WATER && !this.waitingDrain) {
      this.waitingDrain = true;
      this.owner.pauseReading();
    }
  }

  pipe(sink: BodySink): void {
    if (this.piped) throw new Error('body already piped');
    this.piped = true;
    this.owner.onBodyPiped(this);
    if (this.error !== undefined) {
      sink.abort(this.error);
      return;
    }
    const held = this.held;
    this.held = undefined;
    const wasPaused = this.waitingDrain;
    this.waitingDrain = false;
    let full = false;
    if (held !== undefined) for (const chunk of held) full = !sink.write(chunk) || full;
    this.heldBytes = 0;
    if (this.complete) {
      this.sink = sink;
      sink.end(this.trailers);
      return;
    }
    this.sink = sink;
    if (full) {
      this.waitingDrain = true;
      if (!wasPaused) this.owner.pauseReading();
      sink.onceDrain(this.onDrain);
    } else if (wasPaused) {
      this.owner.resumeReading();
    }
  }

  discard(): void {
    if (this.piped) return;
    this.piped = true;
    this.discarding = true;
    this.held = undefined;
    this.heldBytes = 0;
    if (this.waitingDrain) {
      this.waitingDrain = false;
      this.owner.resumeReading();
    }
  }

  private finish(trailers: HeaderMap | undefined): void {
    this.complete = true;
    this.trailers = trailers;
    if (this.sink !== undefined) this.sink.end(trailers);
    this.owner.onBodyComplete(this);
  }
}
