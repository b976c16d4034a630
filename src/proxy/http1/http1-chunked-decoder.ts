// Incremental decoder of the chunked transfer coding: payload bytes out, chunk framing and
// extensions dropped, trailers parsed into a HeaderMap. Works on any split of the input.
import type { HeaderMap } from '../http/headers.js';
import { Http1CodecError } from './http1-errors.js';
import { parseHeaderFields } from './http1-header-fields.js';

/** Receives decoded payload. */
export interface ChunkedPayloadSink {
  onPayload(chunk: Buffer): void;
}

const enum State {
  Size,
  SizeWs,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  Trailer,
  Done,
}

const MAX_SIZE_DIGITS = 12;

/** Decodes one chunked body; create one per message. */
export class ChunkedDecoder {
  private state = State.Size;
  private size = 0;
  private digits = 0;
  private trailerText = '';
  /** Set once the last chunk and the trailer section have been read. */
  done = false;
  /** The trailer fields, when the body had any. */
  trailers: HeaderMap | undefined;
  /** Why decoding stopped, after `decode` returned -1. */
  error: Http1CodecError | undefined;

  constructor(
    private readonly maxTrailerBytes: number,
    private readonly maxTrailers: number,
  ) {}

  /**
   * Decodes `buf[start, end)`, handing payload to `sink`. Returns how many bytes belong to this
   * body (less than `end - start` once it is done), or -1 with `error` set on bad framing; the
   * connection must then be closed.
   */
  decode(buf: Buffer, start: number, end: number, sink: ChunkedPayloadSink): number {
    let i = start;
    while (i < end && this.state !== State.Done) {
      switch (this.state) {
        case State.Data: {
          const n = Math.min(this.size, end - i);
          sink.onPayload(buf.subarray(i, i + n));
          i += n;
          this.size -= n;
          if (this.size === 0) this.state = State.DataCr;
          break;
        }
        case State.Size: {
          const c = buf[i]!;
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) return this.fail('chunk size too large');
            this.size = this.size * 16 + v;
          } else if (this.digits === 0) {
            return this.fail('invalid chunk size');
          } else if (c === 0x0d) {
            this.state = State.SizeLf;
          } else if (c === 0x3b) {
            this.state = State.Ext;
          } else if (c === 0x20 || c === 0x09) {
            this.state = State.SizeWs;
          } else {
            return this.fail('invalid chunk size');
          }
          i++;
          break;
        }
        case State.SizeWs: {
          const c = buf[i++]!;
          if (c === 0x0d) this.state = State.SizeLf;
          else if (c === 0x3b) this.state = State.Ext;
          else if (c !== 0x20 && c !== 0x09) return this.fail('invalid chunk size');
          break;
        }
        case State.Ext: {
          const c = buf[i++]!;
          if (c === 0x0d) this.state = State.SizeLf;
          else if (c === 0x0a || c === 0) return this.fail('invalid chunk extension');
          break;
        }
        case State.SizeLf:
          if (buf[i++] !== 0x0a) return this.fail('missing LF after chunk size');
          this.digits = 0;
          this.state = this.size === 0 ? State.Trailer : State.Data;
          break;
        case State.DataCr:
          if (buf[i++] !== 0x0d) return this.fail('missing CRLF after chunk data');
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (buf[i++] !== 0x0a) return this.fail('missing CRLF after chunk data');
          this.state = State.Size;
          break;
        case State.Trailer:
          i = this.readTrailer(buf, i, end);
          if (i < 0) return -1;
          break;
        default:
          throw new Error('unreachable chunked state');
      }
    }
    return i - start;
  }

  private fail(message: string): number {
    this.error = new Http1CodecError('BAD_CHUNK', message);
    this.state = State.Done;
    return -1;
  }

  private readTrailer(buf: Buffer, i: number, end: number): number {
    const before = this.trailerText.length;
    this.trailerText += buf.toString('latin1', i, end);
    const text = this.trailerText;
    let stop = -1;
    let bodyEnd = 0;
    if (text.startsWith('\r\n')) {
      stop = 2;
    } else {
      const at = text.indexOf('\r\n\r\n');
      if (at >= 0) {
        stop = at + 4;
        bodyEnd = at;
      }
    }
    if (stop < 0) {
      if (text.length > this.maxTrailerBytes) return this.fail('trailer section too large');
      if (text.length >= 2 && !text.startsWith('\r\n') && text.charCodeAt(0) === 0x0d && text.charCodeAt(1) !== 0x0a) {
        return this.fail('malformed trailer section');
      }
      return end;
    }
    if (bodyEnd > 0) {
      const parsed = parseHeaderFields(text.slice(0, bodyEnd), 0, this.maxTrailers);
      if (!parsed.ok) return this.fail(parsed.error.message);
      this.trailers = parsed.value;
    }
    this.trailerText = '';
    this.state = State.Done;
    this.done = true;
    return i + (stop - before);
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

