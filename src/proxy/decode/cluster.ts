// Envoy's Cluster as the runtime ClusterConfig, with Envoy's defaults and Istio's metadata.
import type { Cluster__Output } from '../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { AnyMessage } from '../../xds/any.js';
import { CLUSTER_TYPE } from '../../xds/type-urls.js';
import type { ClusterConfig, DiscoveryType, LbPolicy } from '../config/cluster.js';
import { DecodeErrors, type DecodeResult } from './decode-result.js';
import { decodeCircuitBreakers } from './circuit-breakers.js';
import { decodeLoadAssignmentMessage } from './cluster-load-assignment.js';
import { decodeTransportSocketMatches } from './cluster-transport-sockets.js';
import { durationMs, wrapped } from './duration.js';
import { decodeHealthCheck } from './health-check.js';
import { filterMetadata, stringOf } from './metadata.js';
import { decodeOutlierDetection } from './outlier-detection.js';
import { unpackResource } from './unpack-resource.js';
import { PROTOCOL_OPTIONS, type UpstreamHttpOptions } from './upstream-http-options.js';

/** Envoy's cluster defaults for fields left unset. */
export const CLUSTER_DEFAULTS = Object.freeze({
  connectTimeoutMs: 5_000,
  leastRequestChoiceCount: 2,
  minimumRingSize: 1024,
  maximumRingSize: 8 * 1024 * 1024,
  maglevTableSize: 65_537,
});

const TYPES: ReadonlySet<string> = new Set<DiscoveryType>(['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST']);
const LB_POLICIES: ReadonlySet<string> = new Set<LbPolicy>(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV', 'CLUSTER_PROVIDED']);

function decodeLb(c: Cluster__Output, errors: DecodeErrors): Pick<ClusterConfig, 'lbPolicy' | 'ringHash' | 'maglev' | 'leastRequestChoiceCount'> {
  const policy = String(c.lb_policy);
  if (!LB_POLICIES.has(policy)) errors.add('lb_policy', `unsupported load balancing policy ${policy}`);
  const lbPolicy = (LB_POLICIES.has(policy) ? policy : 'ROUND_ROBIN') as LbPolicy;
  const d = CLUSTER_DEFAULTS;
  const leastRequestChoiceCount = wrapped(c.least_request_lb_config?.choice_count, d.leastRequestChoiceCount);
  if (leastRequestChoiceCount < 2) errors.add('least_request_lb_config.choice_count', 'must be at least 2');
  // Accepting these would quietly send full load to a new host at once.
  if (c.round_robin_lb_config?.slow_start_config) errors.add('round_robin_lb_config.slow_start_config', 'slow start is not supported');
  if (c.least_request_lb_config?.slow_start_config) errors.add('least_request_lb_config.slow_start_config', 'slow start is not supported');
  if (lbPolicy === 'RING_HASH') {
    const minimumRingSize = wrapped(c.ring_hash_lb_config?.minimum_ring_size, d.minimumRingSize);
    const maximumRingSize = wrapped(c.ring_hash_lb_config?.maximum_ring_size, d.maximumRingSize);
    if (minimumRingSize > maximumRingSize) errors.add('ring_hash_lb_config.minimum_ring_size', 'must not exceed maximum_ring_size');
    return { lbPolicy, ringHash: { minimumRingSize, maximumRingSize }, leastRequestChoiceCount };
  }
  if (lbPolicy === 'MAGLEV') return { lbPolicy, maglev: { tableSize: wrapped(c.maglev_lb_config?.table_size, d.maglevTableSize) }, leastRequestChoiceCount };
  return { lbPolicy, leastRequestChoiceCount };
}

function decodeProtocolOptions(c: Cluster__Output, errors: DecodeErrors): UpstreamHttpOptions {
  let out: UpstreamHttpOptions = {};
  for (const [key, any] of Object.entries(c.typed_extension_protocol_options)) {
    const decoded = PROTOCOL_OPTIONS.decode(any, errors, `typed_extension_protocol_options[${key}]`);
    if (decoded) out = { ...out, ...decoded };
  }
  return out;
}

/**
 * Decodes a Cluster Any, collecting every error with its field path. Defaults: connect timeout
 * 5 s, ROUND_ROBIN, least-request choice count 2, ring 1024..8M, maglev table 65537, circuit
 * breakers 1024/1024/1024/3, HTTP/1.1 upstream.
 */
export function decodeCluster(any: AnyMessage): DecodeResult<ClusterConfig> {
  const errors = new DecodeErrors();
  const c = unpackResource<Cluster__Output>(any, CLUSTER_TYPE, errors);
  if (!c) return errors.fail();
  if (!c.name) errors.add('name', 'cluster name missing');
  if (c.cluster_discovery_type === 'cluster_type') errors.add('cluster_type', 'custom cluster types are not supported');
  const type = String(c.type) as DiscoveryType;
  if (!TYPES.has(type)) errors.add('type', `unsupported discovery type ${type}`);
  if (c.load_balancing_policy) errors.add('load_balancing_policy', 'not supported; use lb_policy');
  if (c.lb_subset_config) errors.add('lb_subset_config', 'not supported');
  if (c.health_checks.length > 1) errors.add('health_checks', 'at most one health check is supported');
  const options = decodeProtocolOptions(c, errors);
  const edsServiceName = type === 'EDS' ? c.eds_cluster_config?.service_name || c.name : undefined;
  const healthCheck = c.health_checks[0] ? decodeHealthCheck(c.health_checks[0], errors, 'health_checks[0]') : undefined;
  const istio = filterMetadata(c.metadata, 'istio');
  const service = Array.isArray(istio.services) ? (istio.services[0] as Record<string, unknown> | undefined) : undefined;
  const serviceHost = stringOf(service?.host as string | undefined);
  const subset = stringOf(istio.subset);
  const legacyProtocol = c.http2_protocol_options ? 'http2' : c.protocol_selection === 'USE_DOWNSTREAM_PROTOCOL' ? 'downstream' : 'http1';
  const maxRequestsPerConnection = options.maxRequestsPerConnection ?? wrapped(c.max_requests_per_connection);
  const upstreamBindAddress = c.upstream_bind_config?.source_address?.address;
  const transportSocketMatches = decodeTransportSocketMatches(c, errors);
  // Without a trusted CA the chain is not verified, so a host-name check would prove nothing.
  if (options.autoSanValidation) {
    for (const m of transportSocketMatches) {
      if (m.tls && !m.tls.validationSecret) errors.add('typed_extension_protocol_options.upstream_http_protocol_options.auto_san_validation', `transport socket ${m.name} has no validation context to verify against`);
    }
  }
  return errors.finish({
    name: c.name,
    type,
    ...(edsServiceName ? { edsServiceName } : {}),
    connectTimeoutMs: durationMs(c.connect_timeout, CLUSTER_DEFAULTS.connectTimeoutMs),
    ...decodeLb(c, errors),
    circuitBreakers: decodeCircuitBreakers(c.circuit_breakers, errors, 'circuit_breakers'),
    ...(c.outlier_detection ? { outlierDetection: decodeOutlierDetection(c.outlier_detection, errors, 'outlier_detection') } : {}),
    ...(healthCheck ? { healthCheck } : {}),
    upstreamProtocol: options.upstreamProtocol ?? legacyProtocol,
    ...(maxRequestsPerConnection !== undefined ? { maxRequestsPerConnection } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    transportSocketMatches,
    ...(options.autoSni ? { autoSni: true } : {}),
    ...(options.autoSanValidation ? { autoSanValidation: true } : {}),
    ...(c.load_assignment ? { loadAssignment: decodeLoadAssignmentMessage(c.load_assignment, errors, 'load_assignment') } : {}),
    ...(upstreamBindAddress ? { upstreamBindAddress } : {}),
    ...(serviceHost ? { serviceHost } : {}),
    ...(subset ? { subset } : {}),
  });
}
