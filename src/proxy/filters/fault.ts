// The fault filter's decision for one request: whether to delay it and whether to abort it with
// an HTTP or gRPC status, from the route's fault policy and, when allowed, Envoy's fault headers.
import type { FaultPolicy } from '../config/route.js';
import type { RequestHead } from '../http/message.js';

/** What the fault filter does to one request; an empty object means nothing. */
export interface FaultDecision {
  readonly delayMs?: number;
  readonly abort?: { readonly httpStatus: number; readonly grpcStatus?: number };
}

const NONE: FaultDecision = Object.freeze({});

/**
 * Decides the faults for `head` under `policy`, drawing `random` (uniform in [0, 1)) once for the
 * delay and once for the abort, each applied when draw × 1,000,000 < its percentage in ppm.
 * With `policy.headerControlled`, as with Envoy's header_delay/header_abort:
 * x-envoy-fault-delay-request (ms), x-envoy-fault-abort-request (HTTP status 200-599) and
 * x-envoy-fault-abort-grpc-request (gRPC status) set the fault, and the `-percentage` variants
 * (a percent, 0-100) set its chance, capped by the configured percentage (100% when none is
 * configured). A gRPC abort is answered with HTTP 200 and that grpc-status.
 */
export function decideFault(policy: FaultPolicy | undefined, head: RequestHead, random: () => number): FaultDecision {
  if (policy === undefined) return NONE;
  const headers = policy.headerControlled ? head.headers : undefined;
  let delayMs: number | undefined;
  let delayPpm = policy.delay?.percentagePpm ?? (headers ? 1_000_000 : 0);
  if (policy.delay) delayMs = policy.delay.fixedDelayMs;
  if (headers) {
    const d = parseUint(headers.get('x-envoy-fault-delay-request'));
    if (d !== undefined) delayMs = d;
    delayPpm = cappedPercentage(headers.get('x-envoy-fault-delay-request-percentage'), delayPpm);
  }
  let httpStatus = policy.abort?.httpStatus;
  let grpcStatus = policy.abort?.grpcStatus;
  let abortPpm = policy.abort?.percentagePpm ?? (headers ? 1_000_000 : 0);
  if (headers) {
    const s = parseUint(headers.get('x-envoy-fault-abort-request'));
    if (s !== undefined && s >= 200 && s < 600) {
      httpStatus = s;
      grpcStatus = undefined;
    }
    const g = parseUint(headers.get('x-envoy-fault-abort-grpc-request'));
    if (g !== undefined) {
      grpcStatus = g;
      httpStatus = undefined;
    }
    abortPpm = cappedPercentage(headers.get('x-envoy-fault-abort-request-percentage'), abortPpm);
  }
  const delay = delayMs !== undefined && delayMs > 0 && random() * 1_000_000 < delayPpm ? delayMs : undefined;
  const wantsAbort = httpStatus !== undefined || grpcStatus !== undefined;
  const abort = wantsAbort && random() * 1_000_000 < abortPpm;
  if (delay === undefined && !abort) return NONE;
  if (!abort) return { delayMs: delay };
  const abortDecision = grpcStatus !== undefined ? { httpStatus: 200, grpcStatus } : { httpStatus: httpStatus! };
  return delay === undefined ? { abort: abortDecision } : { delayMs: delay, abort: abortDecision };
}

function parseUint(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}

/** A header percentage (0-100, a percent) as ppm, never above the configured `ppm`. */
function cappedPercentage(value: string | undefined, ppm: number): number {
  const pct = parseUint(value);
  if (pct === undefined) return ppm;
  return Math.min(Math.min(pct, 100) * 10_000, ppm);
}
