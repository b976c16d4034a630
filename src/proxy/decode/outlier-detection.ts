// Envoy's OutlierDetection as the runtime OutlierDetectionConfig, with Envoy's defaults per field.
import type { OutlierDetection__Output } from '../../xds/generated/envoy/config/cluster/v3/OutlierDetection.js';
import type { OutlierDetectionConfig } from '../config/cluster.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped } from './duration.js';

/** Envoy's outlier detection defaults for fields left unset. */
export const OUTLIER_DETECTION_DEFAULTS: OutlierDetectionConfig = Object.freeze({
  consecutive5xx: 5,
  consecutiveGatewayFailure: 5,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 0,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionPercent: 10,
  splitExternalLocalOriginErrors: false,
  consecutiveLocalOriginFailure: 5,
});

/** An outlier detection config; percentages above 100 are errors. */
export function decodeOutlierDetection(m: OutlierDetection__Output, errors: DecodeErrors, path: string): OutlierDetectionConfig {
  const d = OUTLIER_DETECTION_DEFAULTS;
  const percent = (w: { value: number } | null, fallback: number, field: string): number => {
    const v = wrapped(w, fallback);
    if (v > 100) errors.add(`${path}.${field}`, 'must be at most 100');
    return v;
  };
  const intervalMs = durationMs(m.interval, d.intervalMs);
  if (intervalMs <= 0) errors.add(`${path}.interval`, 'must be greater than 0');
  return {
    consecutive5xx: wrapped(m.consecutive_5xx, d.consecutive5xx),
    consecutiveGatewayFailure: wrapped(m.consecutive_gateway_failure, d.consecutiveGatewayFailure),
    enforcingConsecutive5xx: percent(m.enforcing_consecutive_5xx, d.enforcingConsecutive5xx, 'enforcing_consecutive_5xx'),
    enforcingConsecutiveGatewayFailure: percent(m.enforcing_consecutive_gateway_failure, d.enforcingConsecutiveGatewayFailure, 'enforcing_consecutive_gateway_failure'),
    intervalMs,
    baseEjectionTimeMs: durationMs(m.base_ejection_time, d.baseEjectionTimeMs),
    maxEjectionPercent: percent(m.max_ejection_percent, d.maxEjectionPercent, 'max_ejection_percent'),
    splitExternalLocalOriginErrors: m.split_external_local_origin_errors,
    consecutiveLocalOriginFailure: wrapped(m.consecutive_local_origin_failure, d.consecutiveLocalOriginFailure),
  };
}
