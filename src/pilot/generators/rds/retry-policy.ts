// Istio's retry policy (HTTPRetry) as an Envoy RetryPolicy, with Istio's defaults; and the subset
// of it that proxyless gRPC clients understand.
import type { RetryPolicy } from '../../../xds/generated/envoy/config/route/v3/RetryPolicy.js';
import { durationFromMs, parseDurationText } from '../shared/duration.js';
import type { HttpRetry } from './virtual-service-view.js';

/**
 * Istio's default retry conditions. `retriable-status-codes` comes with no codes, so 503 is not
 * retried (Istio's EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY default).
 */
export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
export const DEFAULT_RETRY_ATTEMPTS = 2;
/** Envoy's, and Istio's, first retry back-off; later ones grow up to ten times it. */
export const DEFAULT_RETRY_BASE_INTERVAL_MS = 25;
/** The retry host predicate that sends retries to hosts not tried yet. */
export const PREVIOUS_HOSTS_PREDICATE = 'envoy.retry_host_predicates.previous_hosts';
const PREVIOUS_PRIORITIES = 'envoy.retry_priorities.previous_priorities';

/** The gRPC status names that grpc-js-xds retries on (`retry_on` entries it reads). */
export const GRPC_RETRY_CODES: readonly string[] = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

/**
 * The Envoy retry policy for a route. No `retries` gives Istio's default policy (2 retries on
 * connection failures, refused streams, `unavailable` and `cancelled`, each to a host not tried
 * yet); `attempts: 0` gives none. Numbers in `retryOn` become retriable status codes. With a
 * consistent-hash load balancer, retries stay on the hashed host (no previous-hosts predicate).
 */
export function buildRetryPolicy(retries: HttpRetry | undefined, consistentHash = false): RetryPolicy | undefined {
  if (retries && (retries.attempts ?? 0) <= 0) return undefined;
  const out: RetryPolicy = {
    retry_on: DEFAULT_RETRY_ON,
    num_retries: { value: retries?.attempts ?? DEFAULT_RETRY_ATTEMPTS },
    host_selection_retry_max_attempts: 5,
    retry_back_off: { base_interval: parseDurationText(retries?.backoff) ?? durationFromMs(DEFAULT_RETRY_BASE_INTERVAL_MS) },
  };
  let previousHosts = !consistentHash;
  if (retries?.retryOn) {
    const { conditions, codes } = splitRetryOn(retries.retryOn);
    const retryOn = codes.length > 0 && !conditions.includes('retriable-status-codes') ? [...conditions, 'retriable-status-codes'] : conditions;
    out.retry_on = retryOn.join(',');
    if (codes.length > 0) out.retriable_status_codes = codes;
  }
  const perTry = parseDurationText(retries?.perTryTimeout);
  if (perTry) out.per_try_timeout = perTry;
  if (retries?.retryIgnorePreviousHosts !== undefined) previousHosts = retries.retryIgnorePreviousHosts;
  if (previousHosts) out.retry_host_predicate = [{ name: PREVIOUS_HOSTS_PREDICATE }];
  if (retries?.retryRemoteLocalities) out.retry_priority = { name: PREVIOUS_PRIORITIES };
  return out;
}

/**
 * The retry policy for a proxyless gRPC client: the same attempts and back-off, retrying only on
 * the gRPC statuses grpc-js-xds knows. Undefined when no such status is left.
 */
export function buildGrpcRetryPolicy(retries: HttpRetry | undefined): RetryPolicy | undefined {
  const envoy = buildRetryPolicy(retries);
  if (!envoy) return undefined;
  const codes = (envoy.retry_on ?? '').split(',').filter((c) => GRPC_RETRY_CODES.includes(c));
  if (codes.length === 0) return undefined;
  const out: RetryPolicy = { retry_on: codes.join(','), num_retries: envoy.num_retries ?? null };
  if (envoy.retry_back_off) out.retry_back_off = envoy.retry_back_off;
  return out;
}

function splitRetryOn(retryOn: string): { conditions: string[]; codes: number[] } {
  const conditions: string[] = [];
  const codes: number[] = [];
  for (const raw of retryOn.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const n = Number(part);
    if (/^\d+$/.test(part) && n >= 100 && n <= 599) codes.push(n);
    else conditions.push(part);
  }
  return { conditions, codes };
}
