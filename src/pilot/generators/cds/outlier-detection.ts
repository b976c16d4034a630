// DestinationRule outlierDetection → the cluster's outlier_detection. Off unless configured; once
// configured, Istio's effective defaults are written out: 5 consecutive 5xx, 10s interval, 30s
// base ejection, 10% max ejection, success-rate ejection off and no panic threshold.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { OutlierDetection } from '../../../xds/generated/envoy/config/cluster/v3/OutlierDetection.js';
import type { OutlierDetectionSettings } from '../../../api/index.js';
import { durationFromMs, parseDurationText } from '../shared/duration.js';

/** Defaults once outlierDetection is present (Envoy's, which Istio relies on; DESIGN §5). */
export const OUTLIER_DEFAULTS = Object.freeze({
  consecutive5xx: 5,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionPercent: 10,
});

/**
 * For proxyless gRPC: grpc-js counts failures per interval rather than consecutive errors, so
 * the consecutive-error limit N becomes failure-percentage ejection of an endpoint that failed
 * more than this share of at least N calls in one interval.
 */
export const GRPC_FAILURE_PERCENTAGE_THRESHOLD = 50;

/**
 * Sets `cluster.outlier_detection` and the panic threshold from `settings`, as Istio's
 * applyOutlierDetection does; leaves the cluster alone when `settings` is undefined. With `grpc`,
 * also sets the failure-percentage fields that grpc-js-xds understands.
 */
export function applyOutlierDetection(cluster: Cluster, settings: OutlierDetectionSettings | undefined, grpc: boolean): void {
  if (!settings) return;
  const consecutive5xx = settings.consecutive5xxErrors ?? OUTLIER_DEFAULTS.consecutive5xx;
  const out: OutlierDetection = {
    enforcing_success_rate: { value: 0 },
    consecutive_5xx: { value: consecutive5xx },
    enforcing_consecutive_5xx: { value: consecutive5xx > 0 ? 100 : 0 },
    interval: parseDurationText(settings.interval) ?? durationFromMs(OUTLIER_DEFAULTS.intervalMs),
    base_ejection_time: parseDurationText(settings.baseEjectionTime) ?? durationFromMs(OUTLIER_DEFAULTS.baseEjectionTimeMs),
    max_ejection_percent: { value: settings.maxEjectionPercent || OUTLIER_DEFAULTS.maxEjectionPercent },
  };
  const gateway = settings.consecutiveGatewayErrors;
  if (gateway !== undefined) {
    out.consecutive_gateway_failure = { value: gateway };
    out.enforcing_consecutive_gateway_failure = { value: gateway > 0 ? 100 : 0 };
  }
  if (settings.splitExternalLocalOriginErrors) {
    out.split_external_local_origin_errors = true;
    const local = settings.consecutiveLocalOriginFailures ?? 0;
    if (local > 0) {
      out.consecutive_local_origin_failure = { value: local };
      out.enforcing_consecutive_local_origin_failure = { value: 100 };
    }
    out.enforcing_local_origin_success_rate = { value: 0 };
  }
  if (grpc) {
    const volume = settings.consecutive5xxErrors ?? gateway ?? OUTLIER_DEFAULTS.consecutive5xx;
    if (volume > 0) {
      out.enforcing_failure_percentage = { value: 100 };
      out.failure_percentage_threshold = { value: GRPC_FAILURE_PERCENTAGE_THRESHOLD };
      out.failure_percentage_request_volume = { value: volume };
      out.failure_percentage_minimum_hosts = { value: 1 };
    }
  }
  cluster.outlier_detection = out;
  // Istio disables the panic threshold unless minHealthPercent asks for one.
  cluster.common_lb_config = { ...cluster.common_lb_config, healthy_panic_threshold: { value: Math.max(0, settings.minHealthPercent ?? 0) } };
}
