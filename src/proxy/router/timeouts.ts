// The timeouts of one routed request: the route timeout and per-try timeout after Envoy's request
// header overrides and gRPC's grpc-timeout, and the x-envoy-expected-rq-timeout-ms to send upstream.
import type { RetryPolicy, Route, RouteAction } from '../config/route.js';
import type { RequestHead } from '../http/message.js';
import { isGrpcRequest } from './request-attributes.js';
import { faultDisablesResilience } from './route-resilience.js';

/** The timeouts of one request, in milliseconds; 0 means none. */
export interface RequestTimeouts {
  /** The whole request, across retries. */
  readonly globalMs: number;
  /** One attempt; 0 when it would not fire before the global timeout. */
  readonly perTryMs: number;
  /** What to send upstream as x-envoy-expected-rq-timeout-ms (and grpc-timeout for gRPC); 0: send nothing. */
  readonly expectedMs: number;
}

/**
 * Computes the timeouts of `head` on `route` (a `route` action) with `retryPolicy` (from
 * resolveRetryPolicy). The route timeout is RouteAction.timeoutMs, replaced by
 * x-envoy-upstream-rq-timeout-ms when `honourEnvoyHeaders`. For gRPC with grpcTimeoutHeaderMaxMs
 * set, the grpc-timeout header (none meaning infinite) replaces it, capped by that max unless the
 * max is 0. The per-try timeout is the policy's, replaced by x-envoy-upstream-rq-per-try-timeout-ms,
 * and dropped when not shorter than the global one. A route that injects faults has no timeouts.
 */
export function computeTimeouts(route: Route, head: RequestHead, retryPolicy: RetryPolicy | undefined, honourEnvoyHeaders: boolean): RequestTimeouts {
  if (route.action.kind !== 'route' || faultDisablesResilience(route)) return NO_TIMEOUTS;
  const action: RouteAction = route.action;
  let globalMs = action.timeoutMs;
  let perTryMs = retryPolicy?.perTryTimeoutMs ?? 0;
  const headers = head.headers;
  if (honourEnvoyHeaders) {
    const rq = parseMs(headers.get('x-envoy-upstream-rq-timeout-ms'));
    if (rq !== undefined) globalMs = rq;
  }
  const grpcMax = action.grpcTimeoutHeaderMaxMs;
  if (grpcMax !== undefined && isGrpcRequest(head)) {
    let grpcMs = parseGrpcTimeout(headers.get('grpc-timeout')) ?? 0;
    if (grpcMax !== 0 && (grpcMs === 0 || grpcMs > grpcMax)) grpcMs = grpcMax;
    globalMs = grpcMs;
  }
  if (honourEnvoyHeaders) {
    const perTry = parseMs(headers.get('x-envoy-upstream-rq-per-try-timeout-ms'));
    if (perTry !== undefined) perTryMs = perTry;
  }
  if (globalMs !== 0 && perTryMs >= globalMs) perTryMs = 0;
  if (globalMs === 0 && perTryMs === 0) return NO_TIMEOUTS;
  return { globalMs, perTryMs, expectedMs: perTryMs > 0 ? perTryMs : globalMs };
}

const NO_TIMEOUTS: RequestTimeouts = Object.freeze({ globalMs: 0, perTryMs: 0, expectedMs: 0 });

function parseMs(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

const GRPC_UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/**
 * The grpc-timeout header (`<1-8 digits><H|M|S|m|u|n>`) in whole milliseconds, rounded up so that
 * a tiny timeout does not become "none"; undefined when absent or malformed.
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value.length < 2 || value.length > 9) return undefined;
  const unit = GRPC_UNIT_MS[value[value.length - 1]!];
  const digits = value.slice(0, -1);
  if (unit === undefined || !/^\d+$/.test(digits)) return undefined;
  return Math.ceil(Number(digits) * unit);
}

/** The grpc-timeout header value for `ms` milliseconds. */
export function formatGrpcTimeout(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  // The value has at most 8 digits.
  return whole <= 99_999_999 ? `${whole}m` : `${Math.min(99_999_999, Math.ceil(whole / 1000))}S`;
}
