// Serialises request and response heads for the wire: start line, the head's end-to-end fields,
// then the framing and connection fields the codec chose (hop-by-hop fields are never copied).
import type { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { isHopByHop } from './http1-hop-by-hop.js';

/** How the encoder delimits the body it is about to send. */
export type OutgoingFraming = 'none' | 'length' | 'chunked' | 'close';

const REASONS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 411: 'Length Required',
  413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 417: 'Expectation Failed',
  426: 'Upgrade Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** The standard reason phrase for `status`. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

function appendFields(out: string, headers: HeaderMap, keepUpgrade: boolean, skipHost: boolean): string {
  const raw = headers.raw();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (isHopByHop(name)) {
      if (!(keepUpgrade && name === 'upgrade')) continue;
    } else if (skipHost && name === 'host') {
      continue;
    }
    out += `${name}: ${raw[i + 1]!}\r\n`;
  }
  return out;
}

function framingFields(out: string, framing: OutgoingFraming, length: number, hasLength: boolean): string {
  if (framing === 'chunked') return `${out}transfer-encoding: chunked\r\n`;
  if (framing === 'length' && !hasLength) return `${out}content-length: ${length}\r\n`;
  return out;
}

/**
 * The response head: `framing` 'length' with `length` adds content-length unless the head has it;
 * 'chunked' adds transfer-encoding; `upgrade` keeps the Upgrade field and sends Connection: upgrade.
 */
export function writeResponseHead(
  head: ResponseHead,
  http10: boolean,
  framing: OutgoingFraming,
  length: number,
  keepAlive: boolean,
  upgrade: boolean,
): string {
  let out = `${http10 ? 'HTTP/1.0' : 'HTTP/1.1'} ${head.status} ${head.reason === '' ? reasonPhrase(head.status) : head.reason}\r\n`;
  out = appendFields(out, head.headers, upgrade, false);
  out = framingFields(out, framing, length, head.headers.has('content-length'));
  if (upgrade) out += head.status === 101 ? 'connection: upgrade\r\n' : '';
  else if (!keepAlive) out += 'connection: close\r\n';
  else if (http10) out += 'connection: keep-alive\r\n';
  return `${out}\r\n`;
}

/** The request head, always HTTP/1.1, with `host` from `authority`. */
export function writeRequestHead(head: RequestHead, framing: OutgoingFraming, length: number, upgrade: boolean): string {
  const target = head.method === 'CONNECT' ? head.authority : head.path === '' ? '/' : head.path;
  let out = `${head.method} ${target} HTTP/1.1\r\nhost: ${head.authority}\r\n`;
  out = appendFields(out, head.headers, upgrade, true);
  out = framingFields(out, framing, length, head.headers.has('content-length'));
  if (upgrade && head.method !== 'CONNECT') out += 'connection: upgrade\r\n';
  return `${out}\r\n`;
}
