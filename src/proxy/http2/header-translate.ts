// Header translation between HTTP/2 header blocks and the protocol-neutral heads, and the
// HTTP/1.1 ⇄ HTTP/2 differences the connection manager needs when the two sides differ.
import type { OutgoingHttpHeaders } from 'node:http2';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';

/** An expected outcome: a decoded value, or why the input was refused. */
export type Http2Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Fields HTTP/2 forbids (RFC 9113 §8.2.2); `te` is allowed only as `trailers`. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings']);

/** Fields that node:http2 refuses to send more than once; extra copies are dropped. */
const SINGLE_VALUE = new Set([
  'access-control-allow-credentials', 'access-control-max-age', 'access-control-request-method', 'age',
  'authorization', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
  'content-range', 'content-type', 'date', 'dnt', 'etag', 'expires', 'from', 'host', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location',
  'max-forwards', 'proxy-authorization', 'range', 'referer', 'retry-after', 'tk', 'upgrade-insecure-requests',
  'user-agent', 'x-content-type-options',
]);

/**
 * Whether a field must not travel in HTTP/2: the connection-specific fields, and `te` with any
 * value other than `trailers`. `name` is lowercase.
 */
export function isHttp2ConnectionHeader(name: string, value: string): boolean {
  if (name === 'te') return !isTeTrailers(value);
  return CONNECTION_SPECIFIC.has(name);
}

function isTeTrailers(value: string): boolean {
  return value === 'trailers' || value.trim().toLowerCase() === 'trailers';
}

/**
 * HTTP/1.1 → HTTP/2: removes the fields the Connection header names, every connection-specific
 * field, and `te` unless it is exactly `trailers`. Changes `headers` in place.
 */
export function stripForHttp2(headers: HeaderMap): void {
  const connection = headers.get('connection');
  if (connection !== undefined) {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && name !== 'te') headers.remove(name);
    }
  }
  for (const name of CONNECTION_SPECIFIC) headers.remove(name);
  const te = headers.getAll('te');
  if (te.length === 0) return;
  headers.remove('te');
  if (te.some(isTeTrailers)) headers.add('te', 'trailers');
}

/**
 * HTTP/2 → HTTP/1.1: an HTTP/2 client may split `cookie` into several fields, which HTTP/1.1
 * must carry as one, joined with "; " (RFC 9113 §8.2.3). Changes `headers` in place.
 */
export function joinCookies(headers: HeaderMap): void {
  const cookies = headers.getAll('cookie');
  if (cookies.length > 1) headers.set('cookie', cookies.join('; '));
}

/**
 * Decodes a request header block (flat name/value pairs, lowercase, as node:http2 hands them
 * over). `host` is folded into the authority when `:authority` is absent and never stays in the
 * fields; connection-specific fields are dropped; cookies are joined into one field.
 */
export function decodeHttp2RequestHead(raw: readonly string[]): Http2Result<RequestHead> {
  let method: string | undefined;
  let path: string | undefined;
  let authority: string | undefined;
  let host: string | undefined;
  let scheme: 'http' | 'https' = 'http';
  let cookies = 0;
  const fields: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 58 /* ':' */) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === ':authority') authority = value;
      else if (name === ':scheme') scheme = value === 'https' ? 'https' : 'http';
      else return { ok: false, error: `unsupported pseudo-header ${name}` };
      continue;
    }
    if (name === 'host') host ??= value;
    else if (isHttp2ConnectionHeader(name, value)) continue;
    else {
      if (name === 'cookie') cookies++;
      fields.push(name, value);
    }
  }
  if (method === undefined) return { ok: false, error: 'missing :method' };
  if (path === undefined || path === '') return { ok: false, error: 'missing :path' };
  const headers = new HeaderMap(fields);
  if (cookies > 1) joinCookies(headers);
  return { ok: true, value: { method, path, authority: authority ?? host ?? '', scheme, protocol: 'HTTP/2', headers } };
}

/** Decodes a response header block; `:status` must be a three-digit number. */
export function decodeHttp2ResponseHead(raw: readonly string[]): Http2Result<ResponseHead> {
  let status = 0;
  const fields: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name === ':status') status = Number(raw[i + 1]);
    else if (name.charCodeAt(0) !== 58 && !isHttp2ConnectionHeader(name, raw[i + 1]!)) fields.push(name, raw[i + 1]!);
  }
  if (!Number.isInteger(status) || status < 100 || status > 999) return { ok: false, error: 'missing or invalid :status' };
  return { ok: true, value: { status, reason: '', headers: new HeaderMap(fields) } };
}

/** Decodes a trailer block: every field except pseudo-headers. */
export function decodeHttp2Trailers(raw: readonly string[]): HeaderMap {
  const fields: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.charCodeAt(0) !== 58) fields.push(raw[i]!, raw[i + 1]!);
  return new HeaderMap(fields);
}

/**
 * Copies `headers` into a node:http2 header object: repeated names become arrays, `host`,
 * pseudo-headers and connection-specific fields are left out, and a second value of a single-value field is dropped
 * (node:http2 would throw on it).
 */
export function appendHttp2Fields(headers: HeaderMap, out: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const raw = headers.raw();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name === 'host' || name.charCodeAt(0) === 58 || isHttp2ConnectionHeader(name, value)) continue;
    const prev = out[name];
    if (prev === undefined) out[name] = name === 'te' ? 'trailers' : value;
    else if (SINGLE_VALUE.has(name) || name === 'te') continue;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [String(prev), value];
  }
  return out;
}

/** The HTTP/2 request header block for `head`: the pseudo-headers, then the other fields. */
export function encodeHttp2RequestHeaders(head: RequestHead): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':method': head.method, ':path': head.path, ':scheme': head.scheme, ':authority': head.authority };
  return appendHttp2Fields(head.headers, out);
}

/** The HTTP/2 response header block for `head` (the reason phrase has no place in HTTP/2). */
export function encodeHttp2ResponseHeaders(head: ResponseHead): OutgoingHttpHeaders {
  return appendHttp2Fields(head.headers, { ':status': head.status });
}
