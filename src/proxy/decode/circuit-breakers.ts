// Envoy's CircuitBreakers (the DEFAULT priority's thresholds) as runtime limits, with Envoy's defaults.
import type { CircuitBreakers__Output } from '../../xds/generated/envoy/config/cluster/v3/CircuitBreakers.js';
import type { CircuitBreakerLimits } from '../config/cluster.js';
import type { DecodeErrors } from './decode-result.js';
import { wrapped } from './duration.js';

/** Envoy's limits when a threshold is absent: 1024 connections, pending and requests, 3 retries. */
export const DEFAULT_CIRCUIT_BREAKERS: CircuitBreakerLimits = Object.freeze({
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
});

/** The DEFAULT-priority limits; HIGH-priority thresholds are ignored, as the sidecar routes at DEFAULT priority only. */
export function decodeCircuitBreakers(m: CircuitBreakers__Output | null, errors: DecodeErrors, path: string): CircuitBreakerLimits {
  const t = m?.thresholds.find((x) => x.priority === 'DEFAULT');
  const d = DEFAULT_CIRCUIT_BREAKERS;
  if (m && m.thresholds.filter((x) => x.priority === 'DEFAULT').length > 1) errors.add(`${path}.thresholds`, 'more than one DEFAULT-priority threshold');
  if (!t) return d;
  return {
    maxConnections: wrapped(t.max_connections, d.maxConnections),
    maxPendingRequests: wrapped(t.max_pending_requests, d.maxPendingRequests),
    maxRequests: wrapped(t.max_requests, d.maxRequests),
    maxRetries: wrapped(t.max_retries, d.maxRetries),
  };
}
