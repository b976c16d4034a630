// Envoy's active HealthCheck (HTTP or TCP) as the runtime HealthCheckConfig.
import type { HealthCheck__Output } from '../../xds/generated/envoy/config/core/v3/HealthCheck.js';
import type { HealthCheckConfig } from '../config/cluster.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped } from './duration.js';

/** An HTTP (path) or TCP (connect) health check; interval and timeout are required, gRPC and custom checks are errors. */
export function decodeHealthCheck(h: HealthCheck__Output, errors: DecodeErrors, path: string): HealthCheckConfig | undefined {
  const intervalMs = durationMs(h.interval);
  const timeoutMs = durationMs(h.timeout);
  if (!intervalMs) errors.add(`${path}.interval`, 'must be greater than 0');
  if (!timeoutMs) errors.add(`${path}.timeout`, 'must be greater than 0');
  if (h.health_checker !== 'http_health_check' && h.health_checker !== 'tcp_health_check') {
    errors.add(path, `unsupported health checker ${String(h.health_checker)}`);
    return undefined;
  }
  const httpPath = h.health_checker === 'http_health_check' ? h.http_health_check?.path || '/' : undefined;
  return {
    intervalMs: intervalMs ?? 0,
    timeoutMs: timeoutMs ?? 0,
    unhealthyThreshold: wrapped(h.unhealthy_threshold, 1),
    healthyThreshold: wrapped(h.healthy_threshold, 1),
    ...(httpPath !== undefined ? { httpPath } : {}),
  };
}
