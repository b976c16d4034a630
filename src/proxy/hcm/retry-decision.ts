// The retry questions the upstream router asks after each attempt, answered by the route's retry
// state. A request whose body outgrew the retry buffer is never retried.
import type { RetryPolicy } from '../config/index.js';
import type { UpstreamFailure } from '../http/exchange.js';
import type { RequestHead, ResponseHead } from '../http/message.js';
import { createRetryState, type RetryDecision, type RetryState } from '../router/retry-state.js';

const NO_RETRY: RetryDecision = { retry: false, exhausted: false };

export interface AttemptRetryPolicy {
  readonly avoidPreviousHosts: boolean;
  afterResponse(head: ResponseHead, replayable: boolean): RetryDecision;
  afterFailure(failure: UpstreamFailure, replayable: boolean): RetryDecision;
  afterPerTryTimeout(replayable: boolean): RetryDecision;
}

/** The retry policy of one request, or undefined when the route has none. */
export function createAttemptRetryPolicy(policy: RetryPolicy | undefined, head: RequestHead, random: () => number): AttemptRetryPolicy | undefined {
  if (!policy && !head.headers.has('x-envoy-max-retries') && !head.headers.has('x-envoy-retry-on') && !head.headers.has('x-envoy-retry-grpc-on')) return undefined;
  return new AttemptRetries(createRetryState(policy, random, head.headers), policy?.avoidPreviousHosts ?? false);
}

/** One object per request rather than one per question. */
class AttemptRetries implements AttemptRetryPolicy {
  constructor(
    private readonly state: RetryState,
    readonly avoidPreviousHosts: boolean,
  ) {}

  afterResponse(response: ResponseHead, replayable: boolean): RetryDecision {
    const decision = this.state.shouldRetry({ status: response.status, grpcStatus: response.headers.get('grpc-status') });
    return decision.retry && !replayable ? NO_RETRY : decision;
  }

  afterFailure(failure: UpstreamFailure, replayable: boolean): RetryDecision {
    const decision = this.state.shouldRetry(failure);
    return decision.retry && !replayable ? NO_RETRY : decision;
  }

  afterPerTryTimeout(replayable: boolean): RetryDecision {
    const decision = this.state.shouldRetry('per_try_timeout');
    return decision.retry && !replayable ? NO_RETRY : decision;
  }
}
