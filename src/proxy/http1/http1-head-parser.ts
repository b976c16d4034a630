// Parses an HTTP/1.x request or response head (request line or status line, then header fields)
// into the protocol-neutral heads, with the framing and connection facts the codec needs.
import type { HeaderMap } from '../http/headers.js';
import type { HttpProtocol, RequestHead, ResponseHead } from '../http/message.js';
import { http1Fail, type Http1Result } from './http1-errors.js';
import { hasConnectionToken, requestFraming, responseFraming, type BodyFraming } from './http1-framing.js';
import { isToken, parseHeaderFields } from './http1-header-fields.js';
import { stripHopByHop } from './http1-hop-by-hop.js';

/** A parsed request head and what the connection does with it. */
export interface ParsedRequest {
  readonly head: RequestHead;
  readonly framing: BodyFraming;
  readonly length: number;
  readonly keepAlive: boolean;
  readonly expectContinue: boolean;
  /** An Upgrade request (Connection: upgrade) or CONNECT: the socket may be handed over. */
  readonly upgrade: boolean;
}

/** A parsed response head. */
export interface ParsedResponse {
  readonly head: ResponseHead;
  readonly framing: BodyFraming;
  readonly length: number;
  readonly keepAlive: boolean;
}

function parseVersion(text: string, from: number, to: number): HttpProtocol | undefined {
  if (to - from !== 8 || !text.startsWith('HTTP/1.', from)) return undefined;
  const minor = text.charCodeAt(from + 7);
  return minor === 0x31 ? 'HTTP/1.1' : minor === 0x30 ? 'HTTP/1.0' : undefined;
}

function isValidTarget(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return to > from;
}

/**
 * Parses a request head: `text` is the head decoded as latin1, without its final empty line.
 * `scheme` is the downstream connection's. Absolute-form sets `authority` and `scheme` from the
 * target and `path` to origin-form; CONNECT takes authority-form and leaves `path` empty.
 */
export function parseRequestHead(text: string, scheme: 'http' | 'https', maxHeaders: number): Http1Result<ParsedRequest> {
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = text.length;
  const sp1 = text.indexOf(' ', 0);
  const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 >= lineEnd) return http1Fail('MALFORMED_HEAD', 'malformed request line');
  if (!isToken(text, 0, sp1)) return http1Fail('MALFORMED_HEAD', 'invalid method');
  if (!isValidTarget(text, sp1 + 1, sp2)) return http1Fail('MALFORMED_HEAD', 'invalid request target');
  const protocol = parseVersion(text, sp2 + 1, lineEnd);
  if (protocol === undefined) {
    return text.startsWith('HTTP/', sp2 + 1) ? http1Fail('BAD_VERSION', 'unsupported HTTP version') : http1Fail('MALFORMED_HEAD', 'malformed request line');
  }
  const method = text.slice(0, sp1);
  const target = text.slice(sp1 + 1, sp2);
  const parsed = parseHeaderFields(text, lineEnd + 2, maxHeaders);
  if (!parsed.ok) return parsed;
  const headers = parsed.value;

  const hosts = countHost(headers);
  if (hosts > 1) return http1Fail('MALFORMED_HEAD', 'more than one Host header');
  let authority = hosts === 1 ? headers.get('host')! : '';
  let path = target;
  let targetForm: RequestHead['targetForm'];
  const c0 = target.charCodeAt(0);
  if (method === 'CONNECT') {
    if (!/^[^/?#@\s]+:[0-9]{1,5}$/.test(target)) return http1Fail('MALFORMED_HEAD', 'CONNECT needs an authority-form target');
    authority = target;
    path = '';
    targetForm = 'authority';
  } else if (c0 === 0x2f /* / */) {
    if (hosts === 0 && protocol === 'HTTP/1.1') return http1Fail('MALFORMED_HEAD', 'missing Host header');
  } else if (target === '*') {
    if (method !== 'OPTIONS') return http1Fail('MALFORMED_HEAD', 'asterisk-form is only for OPTIONS');
    targetForm = 'asterisk';
  } else {
    const lower = target.slice(0, 8).toLowerCase();
    const skip = lower.startsWith('http://') ? 7 : lower.startsWith('https://') ? 8 : 0;
    if (skip === 0) return http1Fail('MALFORMED_HEAD', 'unsupported request target form');
    let end = skip;
    while (end < target.length) {
      const c = target.charCodeAt(end);
      if (c === 0x2f || c === 0x3f || c === 0x23) break;
      end++;
    }
    authority = target.slice(skip, end);
    if (authority === '' || authority.includes('@')) return http1Fail('MALFORMED_HEAD', 'invalid authority in absolute-form target');
    const rest = target.slice(end);
    path = rest === '' ? '/' : rest.charCodeAt(0) === 0x2f ? rest : `/${rest}`;
    scheme = skip === 8 ? 'https' : 'http';
    targetForm = 'absolute';
  }
  if (hosts > 0) headers.remove('host');

  const framing = requestFraming(headers, protocol === 'HTTP/1.0');
  if (!framing.ok) return framing;
  const connection = connectionValue(headers);
  const keepAlive = protocol === 'HTTP/1.1' ? !hasConnectionToken(connection, 'close') : hasConnectionToken(connection, 'keep-alive');
  const upgrade = method === 'CONNECT' || (headers.has('upgrade') && hasConnectionToken(connection, 'upgrade'));
  const expect = headers.get('expect');
  const expectContinue = protocol === 'HTTP/1.1' && expect !== undefined && expect.toLowerCase() === '100-continue';
  if (expectContinue) headers.remove('expect');
  stripHopByHop(headers, connection, upgrade);
  const head: RequestHead = { method, path, authority, scheme, protocol, headers };
  if (targetForm !== undefined) head.targetForm = targetForm;
  return { ok: true, value: { head, framing: framing.value.framing, length: framing.value.length, keepAlive, expectContinue, upgrade } };
}

/** Parses a response head to a request with `method`; a close-delimited body ends keep-alive. */
export function parseResponseHead(text: string, method: string, maxHeaders: number): Http1Result<ParsedResponse> {
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = text.length;
  const protocol = parseVersion(text, 0, 8);
  if (protocol === undefined || text.charCodeAt(8) !== 0x20) return http1Fail('MALFORMED_HEAD', 'malformed status line');
  const code = text.slice(9, 12);
  if (!/^[1-9][0-9][0-9]$/.test(code) || (lineEnd > 12 && text.charCodeAt(12) !== 0x20)) {
    return http1Fail('MALFORMED_HEAD', 'malformed status code');
  }
  const status = Number(code);
  const reason = lineEnd > 13 ? text.slice(13, lineEnd) : '';
  const parsed = parseHeaderFields(text, lineEnd + 2, maxHeaders);
  if (!parsed.ok) return parsed;
  const headers = parsed.value;
  const framing = responseFraming(headers, status, method);
  if (!framing.ok) return framing;
  const connection = connectionValue(headers);
  const keepAlive =
    framing.value.framing !== 'close' &&
    (protocol === 'HTTP/1.1' ? !hasConnectionToken(connection, 'close') : hasConnectionToken(connection, 'keep-alive'));
  stripHopByHop(headers, connection, status === 101);
  return { ok: true, value: { head: { status, reason, headers }, framing: framing.value.framing, length: framing.value.length, keepAlive } };
}

/** The Host fields in the head (more than one is an error). */
function countHost(headers: HeaderMap): number {
  const raw = headers.raw();
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i] === 'host') n++;
  return n;
}

/** The Connection fields joined, without an array for the common single (or absent) field. */
function connectionValue(headers: HeaderMap): string | undefined {
  const raw = headers.raw();
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) if (raw[i] === 'connection') value = value === undefined ? raw[i + 1] : `${value},${raw[i + 1]}`;
  return value;
}
