// The header work the connection manager does on every request before routing: x-request-id,
// x-forwarded-proto, x-forwarded-for and the tracing headers (W3C traceparent and B3).
import type { HttpConnectionManagerConfig } from '../config/listener.js';
import type { ConnectionInfo } from '../http/exchange.js';
import type { RequestHead } from '../http/message.js';
import { randomHexId, randomUuid } from './trace-ids.js';

/** The connection manager settings that shape the request headers. */
export interface RequestHeaderOptions {
  /** generate_request_id: add x-request-id when the request has none. */
  readonly generateRequestId: boolean;
  /**
   * use_remote_address: this proxy is the trust edge (inbound sidecar, gateway). The client's
   * address is appended to x-forwarded-for and x-forwarded-proto is overwritten.
   */
  readonly useRemoteAddress: boolean;
  /**
   * Start a new trace when the request carries none. Envoy only starts traces when tracing is on
   * and the request is sampled, so the caller decides; off means headers are only propagated.
   */
  readonly startTraces: boolean;
}


const optionsByHcm = new WeakMap<HttpConnectionManagerConfig, RequestHeaderOptions>();

/** A connection manager's settings for `prepareRequestHeaders` (no trace starts), made once per config, not per request. */
export function requestHeaderOptions(hcm: HttpConnectionManagerConfig): RequestHeaderOptions {
  let options = optionsByHcm.get(hcm);
  if (options === undefined) {
    options = { generateRequestId: hcm.generateRequestId, useRemoteAddress: hcm.useRemoteAddress, startTraces: false };
    optionsByHcm.set(hcm, options);
  }
  return options;
}

/**
 * Does the per-request header work in place, cheaply (no allocation for a header already right):
 * - x-request-id: a random UUID when absent and `generateRequestId`;
 * - x-forwarded-proto: the request's scheme, when absent, or always with `useRemoteAddress`;
 * - x-forwarded-for: the downstream address appended with `useRemoteAddress`;
 * - traceparent: a valid one keeps its trace id and flags and gets a new span id for this hop
 *   (tracestate passes through untouched); x-b3-traceid keeps its trace, x-b3-parentspanid takes
 *   the old x-b3-spanid and x-b3-spanid the new span id, x-b3-sampled is kept. Both formats share
 *   the new span id. With neither and `startTraces`, both are started with one random trace id,
 *   sampled (flags 01, x-b3-sampled 1). An invalid traceparent is left as is.
 */
export function prepareRequestHeaders(head: RequestHead, connection: ConnectionInfo, options: RequestHeaderOptions): void {
  const h = head.headers;
  if (options.generateRequestId && !h.has('x-request-id')) h.add('x-request-id', randomUuid());
  if (options.useRemoteAddress) {
    h.set('x-forwarded-proto', head.scheme);
    const xff = h.get('x-forwarded-for');
    h.set('x-forwarded-for', xff === undefined || xff === '' ? connection.remoteAddress : `${xff}, ${connection.remoteAddress}`);
  } else if (!h.has('x-forwarded-proto')) {
    h.add('x-forwarded-proto', head.scheme);
  }
  propagateTrace(head, options.startTraces);
}

function propagateTrace(head: RequestHead, startTraces: boolean): void {
  const h = head.headers;
  const traceparent = h.get('traceparent');
  const b3Trace = h.get('x-b3-traceid');
  if (traceparent === undefined && b3Trace === undefined) {
    if (!startTraces) return;
    const traceId = randomHexId(16);
    const spanId = randomHexId(8);
    h.add('traceparent', `00-${traceId}-${spanId}-01`);
    h.add('x-b3-traceid', traceId);
    h.add('x-b3-spanid', spanId);
    h.add('x-b3-sampled', '1');
    return;
  }
  const spanId = randomHexId(8);
  if (traceparent !== undefined && isValidTraceparent(traceparent)) {
    h.set('traceparent', `00-${traceparent.slice(3, 35)}-${spanId}-${traceparent.slice(53, 55)}`);
  }
  if (b3Trace !== undefined) {
    const parent = h.get('x-b3-spanid');
    if (parent !== undefined) h.set('x-b3-parentspanid', parent);
    else h.remove('x-b3-parentspanid');
    h.set('x-b3-spanid', spanId);
  }
}

/**
 * W3C trace context level 1: `vv-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, lowercase,
 * ids not all zero, version not ff; version 00 has nothing after the flags, later versions may.
 */
function isValidTraceparent(v: string): boolean {
  if (v.length < 55 || v.charCodeAt(2) !== 45 || v.charCodeAt(35) !== 45 || v.charCodeAt(52) !== 45) return false;
  if (v.length > 55 && (v.charCodeAt(55) !== 45 || v.startsWith('00'))) return false;
  if (v.startsWith('ff')) return false;
  return isHex(v, 0, 2) && isHex(v, 3, 35) && isHex(v, 36, 52) && isHex(v, 53, 55) && !isZero(v, 3, 35) && !isZero(v, 36, 52);
}

function isHex(v: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isZero(v: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (v.charCodeAt(i) !== 48) return false;
  return true;
}
