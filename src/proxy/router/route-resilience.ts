// Which retry policy a route runs under, with Istio's rule that client-side fault injection turns
// off the route's timeout and retries.
import type { RetryPolicy, Route, VirtualHost } from '../config/route.js';

/**
 * Whether `route` injects faults, which, as in Istio, disables its retries and its timeout (a
 * delayed or aborted request must not be retried or cut short by the same route).
 */
export function faultDisablesResilience(route: Route): boolean {
  return route.fault !== undefined && (route.fault.delay !== undefined || route.fault.abort !== undefined);
}

/**
 * The retry policy of a request on `route`: the route action's, else the virtual host's, else
 * none; none when the route injects faults or is not a `route` action.
 */
export function resolveRetryPolicy(route: Route, virtualHost: VirtualHost): RetryPolicy | undefined {
  if (route.action.kind !== 'route' || faultDisablesResilience(route)) return undefined;
  return route.action.retryPolicy ?? virtualHost.retryPolicy;
}
