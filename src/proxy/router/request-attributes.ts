// Reads the parts of a request head that route conditions look at: header values as Envoy's
// matchers see them (pseudo-headers included), the path without its query, and query parameters.
import type { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';

/**
 * The value a header condition sees for `name` (lowercase): HTTP/2 pseudo-headers `:method`,
 * `:authority`, `:scheme` and `:path` come from the head; several fields of one name are joined
 * with ",", as Envoy does. Undefined when absent.
 */
export function headerValueForMatch(head: RequestHead, name: string): string | undefined {
  if (name.charCodeAt(0) === 58 /* ':' */) {
    switch (name) {
      case ':method':
        return head.method;
      case ':authority':
        return head.authority;
      case ':scheme':
        return head.scheme;
      case ':path':
        return head.path;
      default:
        return undefined;
    }
  }
  return joinedHeaderValue(head.headers, name);
}

/** Every value of `name` joined with ",", without allocating when there is only one. */
export function joinedHeaderValue(headers: HeaderMap, name: string): string | undefined {
  const f = headers.raw();
  let out: string | undefined;
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] !== name) continue;
    out = out === undefined ? f[i + 1] : `${out},${f[i + 1]}`;
  }
  return out;
}

/** Where the query (or fragment) of `path` starts, or the path's length when it has none. */
export function pathEnd(path: string): number {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) return i;
  }
  return path.length;
}

/**
 * The first value of query parameter `name` in `path`, percent-decoded as Envoy's route matcher
 * decodes it; '' for a parameter without `=`; undefined when absent.
 */
export function queryParameter(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  const hash = path.indexOf('#', q);
  const end = hash < 0 ? path.length : hash;
  let start = q + 1;
  while (start <= end) {
    let amp = path.indexOf('&', start);
    if (amp < 0 || amp > end) amp = end;
    if (amp > start) {
      let eq = path.indexOf('=', start);
      if (eq < 0 || eq > amp) eq = amp;
      if (decode(path.slice(start, eq)) === name) return eq === amp ? '' : decode(path.slice(eq + 1, amp));
    }
    start = amp + 1;
  }
  return undefined;
}

function decode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Whether the request is gRPC: its content-type starts with `application/grpc`. */
export function isGrpcRequest(head: RequestHead): boolean {
  const ct = head.headers.get('content-type');
  return ct !== undefined && ct.startsWith('application/grpc');
}
