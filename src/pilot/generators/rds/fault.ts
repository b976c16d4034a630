// Istio's fault injection (HTTPFaultInjection) as the per-route config of Envoy's fault filter.
import type { HTTPFault } from '../../../xds/generated/envoy/extensions/filters/http/fault/v3/HTTPFault.js';
import type { FractionalPercent } from '../../../xds/generated/envoy/type/v3/FractionalPercent.js';
import { parseDurationText } from '../shared/duration.js';
import type { HttpFaultInjection, Percent } from './virtual-service-view.js';

/** The HTTP filter name the fault config is keyed by, in the HCM and in typed_per_filter_config. */
export const FAULT_FILTER_NAME = 'envoy.filters.http.fault';
export const HTTP_FAULT_TYPE = 'envoy.extensions.filters.http.fault.v3.HTTPFault';

/** gRPC status codes by name, as Istio accepts them in `abort.grpcStatus`. */
const GRPC_STATUS: Readonly<Record<string, number>> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/**
 * An Istio percentage (0–100, fractions allowed) per million, as Istio sends it. A missing
 * percentage is 0: Istio's API says no request is delayed or aborted then. It is always sent,
 * because grpc-js-xds rejects a fault without one.
 */
export function percentPerMillion(p: Percent | undefined, legacyPercent?: number): FractionalPercent {
  const value = p?.value ?? legacyPercent ?? 0;
  return { numerator: Math.max(0, Math.min(1_000_000, Math.round(value * 10_000))), denominator: 'MILLION' };
}

/** The gRPC status code for `name` (`UNAVAILABLE`, or a number as text); undefined if unknown. */
export function grpcStatusCode(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  return GRPC_STATUS[name.toUpperCase()];
}

/**
 * The HTTPFault for a route: a fixed delay and/or an abort with an HTTP or gRPC status, each
 * with its percentage. Exponential delays and HTTP/2 errors are not supported (Istio drops them
 * too); undefined when nothing is left.
 */
export function buildHttpFault(fault: HttpFaultInjection | undefined): HTTPFault | undefined {
  if (!fault) return undefined;
  const out: HTTPFault = {};
  const delay = fault.delay;
  const fixed = parseDurationText(delay?.fixedDelay);
  if (delay && fixed) out.delay = { fixed_delay: fixed, percentage: percentPerMillion(delay.percentage, delay.percent) };
  const abort = fault.abort;
  if (abort?.httpStatus !== undefined) {
    out.abort = { http_status: abort.httpStatus, percentage: percentPerMillion(abort.percentage) };
  } else if (abort?.grpcStatus !== undefined) {
    const code = grpcStatusCode(abort.grpcStatus);
    if (code !== undefined) out.abort = { grpc_status: code, percentage: percentPerMillion(abort.percentage) };
  }
  return out.delay || out.abort ? out : undefined;
}
