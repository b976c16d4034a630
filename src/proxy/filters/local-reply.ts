// Builds the replies the proxy sends on its own (no route, no healthy upstream, timeouts, faults,
// RBAC denials) with Envoy's wording; gRPC requests get a trailers-only gRPC error instead.
import type { UpstreamFailure } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { RequestHead, ResponseHead } from '../http/message.js';

/** Envoy's local reply bodies, word for word. */
export const LOCAL_REPLY_BODY = {
  /** 404 NR: Envoy sends no body when no route matches. */
  NO_ROUTE: '',
  /** 503 NR: the route's cluster is unknown; Envoy sends no body either. */
  CLUSTER_NOT_FOUND: '',
  NO_HEALTHY_UPSTREAM: 'no healthy upstream',
  UPSTREAM_TIMEOUT: 'upstream request timeout',
  FAULT_ABORT: 'fault filter abort',
  RBAC_DENIED: 'RBAC: access denied',
  JWT_MISSING: 'Jwt is missing',
  JWT_INVALID: 'Jwt verification fails',
  OVERFLOW: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
  /** 400: a request path that cannot be normalised. */
  BAD_PATH: 'Bad Request',
} as const;

const RESET_REASON: Readonly<Record<UpstreamFailure, string>> = {
  connect_failure: 'connection failure',
  connect_timeout: 'connection timeout',
  reset_before_response: 'connection termination',
  refused_stream: 'remote refused stream reset',
  reset_after_response: 'connection termination',
  protocol_error: 'protocol error',
};

/**
 * The 503 body for an upstream failure, as Envoy words it:
 * `upstream connect error or disconnect/reset before headers. reset reason: connection failure`,
 * or `... retried and the latest reset reason: ...` after retries.
 */
export function upstreamFailureBody(failure: UpstreamFailure, retried: boolean): string {
  const lead = 'upstream connect error or disconnect/reset before headers. ';
  return `${lead}${retried ? 'retried and the latest reset reason' : 'reset reason'}: ${RESET_REASON[failure]}`;
}

/** A reply to send downstream: its head and its body (undefined for none). */
export interface LocalReply {
  readonly head: ResponseHead;
  readonly body: Buffer | undefined;
}

/**
 * Envoy's HTTP to gRPC status mapping for local replies: 400→13 INTERNAL, 401→16
 * UNAUTHENTICATED, 403→7 PERMISSION_DENIED, 404→12 UNIMPLEMENTED, 429/502/503/504→14
 * UNAVAILABLE, anything else →2 UNKNOWN.
 */
export function grpcStatusForHttp(status: number): number {
  switch (status) {
    case 400:
      return 13;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return 14;
    default:
      return 2;
  }
}

/**
 * Builds a local reply to `request` with `status` and `body`. For a gRPC request (content-type
 * application/grpc*) it is a trailers-only response: HTTP 200, content-type application/grpc,
 * grpc-status (`grpcStatus`, else mapped from `status`) and grpc-message (the body,
 * percent-encoded), no body. Otherwise `content-type: text/plain` and content-length, and the
 * body unless the request was HEAD or the body is empty. `extra` headers are added (for example
 * x-envoy-overloaded, location).
 */
export function buildLocalReply(request: RequestHead, status: number, body: string, grpcStatus?: number, extra?: HeaderMap): LocalReply {
  const headers = new HeaderMap();
  const ct = request.headers.get('content-type');
  if (ct !== undefined && ct.startsWith('application/grpc')) {
    headers.add('content-type', 'application/grpc');
    headers.add('grpc-status', String(grpcStatus ?? grpcStatusForHttp(status)));
    if (body !== '') headers.add('grpc-message', encodeGrpcMessage(body));
    if (extra) extra.forEach((n, v) => headers.add(n, v));
    return { head: { status: 200, reason: '', headers }, body: undefined };
  }
  const bytes = body === '' ? undefined : Buffer.from(body, 'utf8');
  if (bytes !== undefined) headers.add('content-type', 'text/plain');
  headers.add('content-length', String(bytes?.length ?? 0));
  if (extra) extra.forEach((n, v) => headers.add(n, v));
  return { head: { status, reason: '', headers }, body: request.method === 'HEAD' ? undefined : bytes };
}

/** gRPC's percent-encoding of grpc-message: bytes outside printable ASCII and '%' become %XX. */
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = '';
  for (const b of Buffer.from(message, 'utf8')) out += b < 0x20 || b > 0x7e || b === 0x25 ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  return out;
}
