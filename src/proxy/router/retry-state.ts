// Decides, attempt by attempt, whether the router retries a request: Envoy's retry_on conditions,
// the x-envoy-max-retries / x-envoy-retry-on headers, and jittered exponential backoff.
import type { RetryPolicy } from '../config/route.js';
import type { UpstreamFailure } from '../http/exchange.js';
import type { HeaderMap } from '../http/headers.js';

/**
 * How an attempt ended: a response (its status and the grpc-status from its headers, which a
 * trailers-only gRPC response carries), a failure before the response, or the per-try timeout.
 */
export type RetryOutcome = UpstreamFailure | 'per_try_timeout' | { readonly status: number; readonly grpcStatus?: string | number };

/** What to do after an attempt. */
export type RetryDecision = { readonly retry: true; readonly backoffMs: number } | { readonly retry: false; readonly exhausted: boolean };

/** The retry bookkeeping of one downstream request. */
export interface RetryState {
  /** Whether to retry after `outcome`; a retry is counted when it is granted. */
  shouldRetry(outcome: RetryOutcome): RetryDecision;
  /** Attempts made so far, counting the first one: the value of x-envoy-attempt-count. */
  readonly attemptCount: number;
  /** The retries left. */
  readonly retriesLeft: number;
}

const GRPC_CODES: readonly (readonly [string, number])[] = [
  ['cancelled', 1],
  ['deadline-exceeded', 4],
  ['resource-exhausted', 8],
  ['internal', 13],
  ['unavailable', 14],
];

const NO_RETRY: RetryDecision = Object.freeze({ retry: false, exhausted: false });
const EXHAUSTED: RetryDecision = Object.freeze({ retry: false, exhausted: true });

/** Defaults when only request headers ask for retries, as Envoy's: one retry, 25 ms base. */
const HEADER_ONLY_POLICY: RetryPolicy = {
  retryOn: new Set(),
  numRetries: 1,
  retriableStatusCodes: [],
  backoffBaseMs: 25,
  backoffMaxMs: 250,
  avoidPreviousHosts: false,
  hostSelectionRetryMaxAttempts: 1,
};

/**
 * Creates the retry state for one request under `policy` (the route's, or the virtual host's;
 * see resolveRetryPolicy). `requestHeaders` are read only from trusted clients, as Envoy does:
 * x-envoy-max-retries replaces num_retries; x-envoy-retry-on and x-envoy-retry-grpc-on add
 * conditions; x-envoy-retriable-status-codes adds codes. Conditions: 5xx, gateway-error, reset,
 * connect-failure, refused-stream, retriable-status-codes, retriable-4xx, and the gRPC cancelled, deadline-exceeded,
 * resource-exhausted, internal, unavailable. A failure after the response began
 * (reset_after_response) is never retried. Backoff for retry n is uniform in
 * [0, (2^n - 1) × base), capped at the policy's max.
 */
export function createRetryState(policy: RetryPolicy | undefined, random: () => number, requestHeaders?: HeaderMap): RetryState {
  let retryOn: ReadonlySet<string> = policy?.retryOn ?? HEADER_ONLY_POLICY.retryOn;
  let numRetries = policy?.numRetries ?? 0;
  let statusCodes = policy?.retriableStatusCodes ?? HEADER_ONLY_POLICY.retriableStatusCodes;
  if (requestHeaders) {
    const retryOnHeader = requestHeaders.get('x-envoy-retry-on');
    const grpcRetryOnHeader = requestHeaders.get('x-envoy-retry-grpc-on');
    if (retryOnHeader !== undefined || grpcRetryOnHeader !== undefined) {
      const merged = new Set(retryOn);
      for (const list of [retryOnHeader, grpcRetryOnHeader]) if (list) for (const c of list.split(',')) if (c.trim()) merged.add(c.trim());
      if (policy === undefined) numRetries = HEADER_ONLY_POLICY.numRetries;
      retryOn = merged;
    }
    const codes = requestHeaders.get('x-envoy-retriable-status-codes');
    if (codes !== undefined) {
      const extraCodes = codes.split(',').map((c) => Number(c.trim())).filter((c) => Number.isInteger(c) && c >= 100 && c <= 599);
      statusCodes = [...statusCodes, ...extraCodes];
    }
    const max = requestHeaders.get('x-envoy-max-retries');
    if (max !== undefined && /^\d+$/.test(max)) numRetries = Number(max);
  }
  const p = policy ?? HEADER_ONLY_POLICY;
  return new Retries(retryOn, numRetries, statusCodes, p.backoffBaseMs, p.backoffMaxMs, random);
}

/** What a retry_on set allows, worked out once per set rather than once per request. */
interface RetryOnFlags {
  readonly on5xx: boolean;
  readonly onGateway: boolean;
  readonly onReset: boolean;
  readonly on4xx: boolean;
  readonly onStatusCodes: boolean;
  readonly onConnectFailure: boolean;
  readonly onRefusedStream: boolean;
  /** Bit n set: retry on grpc-status n. */
  readonly grpcMask: number;
}

const flagsBySet = new WeakMap<ReadonlySet<string>, RetryOnFlags>();

function retryOnFlags(retryOn: ReadonlySet<string>): RetryOnFlags {
  let flags = flagsBySet.get(retryOn);
  if (flags !== undefined) return flags;
  let grpcMask = 0;
  for (let i = 0; i < GRPC_CODES.length; i++) if (retryOn.has(GRPC_CODES[i]![0])) grpcMask |= 1 << GRPC_CODES[i]![1];
  flags = {
    on5xx: retryOn.has('5xx'),
    onGateway: retryOn.has('gateway-error'),
    onReset: retryOn.has('reset'),
    on4xx: retryOn.has('retriable-4xx'),
    onStatusCodes: retryOn.has('retriable-status-codes'),
    onConnectFailure: retryOn.has('connect-failure'),
    onRefusedStream: retryOn.has('refused-stream'),
    grpcMask,
  };
  flagsBySet.set(retryOn, flags);
  return flags;
}

class Retries implements RetryState {
  attemptCount = 1;
  private readonly flags: RetryOnFlags;

  constructor(
    retryOn: ReadonlySet<string>,
    private readonly numRetries: number,
    private readonly statusCodes: readonly number[],
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number,
  ) {
    this.flags = retryOnFlags(retryOn);
  }

  get retriesLeft(): number {
    return Math.max(0, this.numRetries - (this.attemptCount - 1));
  }

  shouldRetry(outcome: RetryOutcome): RetryDecision {
    if (!this.retriable(outcome)) return NO_RETRY;
    const n = this.attemptCount; // the number this retry will have
    if (n > this.numRetries) return EXHAUSTED;
    this.attemptCount = n + 1;
    const ceiling = (2 ** n - 1) * this.baseMs;
    return { retry: true, backoffMs: Math.min(Math.floor(this.random() * ceiling), this.maxMs) };
  }

  private retriable(outcome: RetryOutcome): boolean {
    if (typeof outcome === 'object') return this.retriableResponse(outcome.status, outcome.grpcStatus);
    const f = this.flags;
    const anyFailure = f.on5xx || f.onGateway || f.onReset;
    switch (outcome) {
      case 'per_try_timeout':
        // Envoy answers a per-try timeout as 504 and retries it under 5xx and gateway-error.
        return f.on5xx || f.onGateway;
      case 'connect_failure':
      case 'connect_timeout':
        return anyFailure || f.onConnectFailure;
      case 'refused_stream':
        return anyFailure || f.onRefusedStream;
      case 'reset_before_response':
      case 'protocol_error':
        return anyFailure;
      case 'reset_after_response':
        return false;
    }
  }

  private retriableResponse(status: number, grpcStatus: string | number | undefined): boolean {
    const f = this.flags;
    if (f.on5xx && status >= 500 && status <= 599) return true;
    if (f.onGateway && (status === 502 || status === 503 || status === 504)) return true;
    if (status === 409 && f.on4xx) return true;
    if (f.onStatusCodes && this.statusCodes.includes(status)) return true;
    if (grpcStatus !== undefined && f.grpcMask !== 0) {
      const code = typeof grpcStatus === 'number' ? grpcStatus : Number(grpcStatus);
      if (code >= 0 && code < 31 && (f.grpcMask & (1 << code)) !== 0) return true;
    }
    return false;
  }
}
