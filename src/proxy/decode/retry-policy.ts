// Envoy's RetryPolicy as the runtime RetryPolicy, with Envoy's defaults (1 retry, backoff 25 ms base, 10× max).
import type { RetryPolicy__Output } from '../../xds/generated/envoy/config/route/v3/RetryPolicy.js';
import type { RetryPolicy } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped } from './duration.js';

/** Envoy's retry defaults. */
export const RETRY_DEFAULTS = Object.freeze({ numRetries: 1, backoffBaseMs: 25, backoffMaxFactor: 10, hostSelectionRetryMaxAttempts: 1 });

const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';

/** A retry policy; retry_on split on commas; unknown host predicates and retry priorities are errors. */
export function decodeRetryPolicy(m: RetryPolicy__Output, errors: DecodeErrors, path: string): RetryPolicy {
  const retryOn = new Set(m.retry_on.split(',').map((s) => s.trim()).filter((s) => s !== ''));
  const backoffBaseMs = durationMs(m.retry_back_off?.base_interval, RETRY_DEFAULTS.backoffBaseMs);
  if (m.retry_back_off && backoffBaseMs <= 0) errors.add(`${path}.retry_back_off.base_interval`, 'must be greater than 0');
  const backoffMaxMs = durationMs(m.retry_back_off?.max_interval, backoffBaseMs * RETRY_DEFAULTS.backoffMaxFactor);
  if (backoffMaxMs < backoffBaseMs) errors.add(`${path}.retry_back_off.max_interval`, 'must not be less than base_interval');
  let avoidPreviousHosts = false;
  m.retry_host_predicate.forEach((p, i) => {
    if (p.name === PREVIOUS_HOSTS) avoidPreviousHosts = true;
    else errors.add(`${path}.retry_host_predicate[${i}]`, `unsupported retry host predicate ${p.name}`);
  });
  if (m.retry_priority) errors.add(`${path}.retry_priority`, 'not supported');
  const perTryTimeoutMs = durationMs(m.per_try_timeout);
  return {
    retryOn,
    numRetries: wrapped(m.num_retries, RETRY_DEFAULTS.numRetries),
    ...(perTryTimeoutMs ? { perTryTimeoutMs } : {}),
    retriableStatusCodes: m.retriable_status_codes,
    backoffBaseMs,
    backoffMaxMs,
    avoidPreviousHosts,
    hostSelectionRetryMaxAttempts: Number(m.host_selection_retry_max_attempts) || RETRY_DEFAULTS.hostSelectionRetryMaxAttempts,
  };
}
