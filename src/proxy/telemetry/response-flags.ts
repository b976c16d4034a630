// Envoy's response flags: a short code per reason a request or connection did not go as asked.

/** The flags Heddle sets, with Envoy's short codes. */
export const RESPONSE_FLAGS = {
  /** No healthy upstream host. */
  NO_HEALTHY_UPSTREAM: 'UH',
  /** Upstream connection failure. */
  UPSTREAM_CONNECTION_FAILURE: 'UF',
  /** Upstream overflow: a circuit breaker was open. */
  UPSTREAM_OVERFLOW: 'UO',
  /** No route, or no cluster for the route. */
  NO_ROUTE_FOUND: 'NR',
  /** Upstream retry limit exceeded. */
  UPSTREAM_RETRY_LIMIT_EXCEEDED: 'URX',
  /** Upstream connection termination. */
  UPSTREAM_CONNECTION_TERMINATION: 'UC',
  /** Upstream request timeout. */
  UPSTREAM_REQUEST_TIMEOUT: 'UT',
  /** Downstream connection termination. */
  DOWNSTREAM_CONNECTION_TERMINATION: 'DC',
  /** The request was delayed by fault injection. */
  DELAY_INJECTED: 'DI',
  /** The request was aborted by fault injection. */
  FAULT_INJECTED: 'FI',
  /** Rate limited. */
  RATE_LIMITED: 'RL',
  /** Unauthorized by an external authorization service. */
  UNAUTHORIZED_EXTERNAL_SERVICE: 'UAEX',
  /** Stream idle timeout. */
  STREAM_IDLE_TIMEOUT: 'SI',
  /** Upstream protocol error. */
  UPSTREAM_PROTOCOL_ERROR: 'UPE',
  /** Downstream protocol error. */
  DOWNSTREAM_PROTOCOL_ERROR: 'DPE',
  /** Duration timeout (max stream duration). */
  DURATION_TIMEOUT: 'DT',
} as const;

export type ResponseFlag = (typeof RESPONSE_FLAGS)[keyof typeof RESPONSE_FLAGS];

/** The flags as access logs and the `response_flags` label print them: `UO,URX`, or `-` for none. */
export function formatResponseFlags(flags: readonly ResponseFlag[]): string {
  return flags.length === 0 ? '-' : flags.join(',');
}
