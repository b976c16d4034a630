// Decides how an HTTP/1.1 message body is delimited (RFC 9112 §6.3), refusing the ambiguous
// combinations that enable request smuggling.
import type { HeaderMap } from '../http/headers.js';
import { http1Fail, type Http1Result } from './http1-errors.js';

/** How a body is delimited on the wire. */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

/** The framing of one message; `length` is set for 'length'. */
export interface MessageFraming {
  readonly framing: BodyFraming;
  readonly length: number;
}

const NONE: Http1Result<MessageFraming> = { ok: true, value: { framing: 'none', length: 0 } };
const CHUNKED: Http1Result<MessageFraming> = { ok: true, value: { framing: 'chunked', length: 0 } };
const CLOSE: Http1Result<MessageFraming> = { ok: true, value: { framing: 'close', length: 0 } };
const NO_CODINGS: readonly string[] = [];
const KNOWN_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'compress', 'x-compress', 'identity', 'br', 'zstd']);

/** Every Content-Length value must be the same run of digits; returns it, or -1 if absent. */
function contentLength(headers: HeaderMap): Http1Result<number> {
  const raw = headers.raw();
  let value = -1;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i] !== 'content-length') continue;
    const plain = digitsValue(raw[i + 1]!);
    if (plain >= 0) {
      // The usual case, a bare number: no split and no regex.
      if (value >= 0 && plain !== value) return http1Fail('BAD_CONTENT_LENGTH', 'conflicting Content-Length values');
      value = plain;
      continue;
    }
    for (const part of raw[i + 1]!.split(',')) {
      const s = part.trim();
      if (s.length === 0 || s.length > 15 || !/^[0-9]+$/.test(s)) return http1Fail('BAD_CONTENT_LENGTH', 'invalid Content-Length');
      const n = Number(s);
      if (value >= 0 && n !== value) return http1Fail('BAD_CONTENT_LENGTH', 'conflicting Content-Length values');
      value = n;
    }
  }
  return { ok: true, value };
}

/** The value of 1 to 15 ASCII digits, or -1 when `s` is anything else. */
function digitsValue(s: string): number {
  if (s.length === 0 || s.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Checks Transfer-Encoding codings: returns whether the final one is chunked. */
function finalCodingIsChunked(te: readonly string[]): Http1Result<boolean> {
  const codings = te.join(',').split(',');
  let last = '';
  let n = 0;
  for (const c of codings) {
    const coding = c.trim().toLowerCase();
    if (coding === '') continue;
    if (last === 'chunked') return http1Fail('BAD_TRANSFER_ENCODING', 'chunked is not the final transfer coding');
    if (coding !== 'chunked' && !KNOWN_CODINGS.has(coding.split(';')[0]!.trim())) {
      return http1Fail('UNKNOWN_TRANSFER_CODING', `unknown transfer coding ${coding}`);
    }
    last = coding;
    n++;
  }
  if (n === 0) return http1Fail('BAD_TRANSFER_ENCODING', 'empty Transfer-Encoding');
  return { ok: true, value: last === 'chunked' };
}

/** Request framing: chunked, Content-Length, or no body. CL with TE, or a non-chunked TE, is refused. */
export function requestFraming(headers: HeaderMap, http10: boolean): Http1Result<MessageFraming> {
  const te = headers.has('transfer-encoding') ? headers.getAll('transfer-encoding') : NO_CODINGS;
  const cl = contentLength(headers);
  if (!cl.ok) return cl;
  if (te.length > 0) {
    if (cl.value >= 0) return http1Fail('BAD_CONTENT_LENGTH', 'both Content-Length and Transfer-Encoding');
    if (http10) return http1Fail('BAD_TRANSFER_ENCODING', 'Transfer-Encoding in an HTTP/1.0 request');
    const chunked = finalCodingIsChunked(te);
    if (!chunked.ok) return chunked;
    if (!chunked.value) return http1Fail('BAD_TRANSFER_ENCODING', 'final transfer coding is not chunked');
    return CHUNKED;
  }
  if (cl.value > 0) return { ok: true, value: { framing: 'length', length: cl.value } };
  return NONE;
}

/** Response framing for a request with `method`: HEAD, 1xx, 204 and 304 have no body. */
export function responseFraming(headers: HeaderMap, status: number, method: string): Http1Result<MessageFraming> {
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return NONE;
  if (method === 'CONNECT' && status < 300) return NONE;
  const te = headers.has('transfer-encoding') ? headers.getAll('transfer-encoding') : NO_CODINGS;
  const cl = contentLength(headers);
  if (!cl.ok) return cl;
  if (te.length > 0) {
    if (cl.value >= 0) return http1Fail('BAD_CONTENT_LENGTH', 'both Content-Length and Transfer-Encoding');
    const chunked = finalCodingIsChunked(te);
    if (!chunked.ok) return chunked;
    return chunked.value ? CHUNKED : CLOSE;
  }
  if (cl.value >= 0) return cl.value === 0 ? NONE : { ok: true, value: { framing: 'length', length: cl.value } };
  return CLOSE;
}

/** Whether the Connection tokens (comma-joined) contain `token` (lowercase). */
export function hasConnectionToken(connection: string | undefined, token: string): boolean {
  if (connection === undefined) return false;
  const v = connection.toLowerCase();
  if (v === token) return true;
  if (!v.includes(',')) return v.trim() === token;
  for (const part of v.split(',')) if (part.trim() === token) return true;
  return false;
}
