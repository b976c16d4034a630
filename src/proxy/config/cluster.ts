// Runtime cluster configuration, decoded from an Envoy Cluster with Istio's and Envoy's defaults.
import type { LoadAssignment } from './endpoint.js';

export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV' | 'CLUSTER_PROVIDED';

export type DiscoveryType = 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';

export interface CircuitBreakerLimits {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly enforcingConsecutive5xx: number;
  readonly enforcingConsecutiveGatewayFailure: number;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  /** Whether local-origin failures (connect errors, resets) count apart from HTTP status. */
  readonly splitExternalLocalOriginErrors: boolean;
  readonly consecutiveLocalOriginFailure: number;
}

export interface HealthCheckConfig {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  /** HTTP health check path; undefined means a TCP connect check. */
  readonly httpPath?: string;
}

/** The transport a cluster uses towards an endpoint: plaintext, or TLS whose context Citadel's issue fills in. */
export interface TransportSocketMatch {
  readonly name: string;
  /** Endpoint metadata that must match (`tlsMode: istio`); empty matches every endpoint. */
  readonly match: Readonly<Record<string, string>>;
  readonly tls?: UpstreamTlsConfig;
}

export interface UpstreamTlsConfig {
  readonly sni?: string;
  readonly alpn: readonly string[];
  /** SDS secret names: the workload certificate and the validation context. */
  readonly certificateSecret?: string;
  readonly validationSecret?: string;
  readonly matchSubjectAltNames: readonly string[];
}

export interface ClusterConfig {
  readonly name: string;
  readonly type: DiscoveryType;
  /** The EDS service name when type is EDS (defaults to the cluster name). */
  readonly edsServiceName?: string;
  readonly connectTimeoutMs: number;
  readonly lbPolicy: LbPolicy;
  readonly ringHash?: { readonly minimumRingSize: number; readonly maximumRingSize: number };
  readonly maglev?: { readonly tableSize: number };
  readonly leastRequestChoiceCount: number;
  readonly circuitBreakers: CircuitBreakerLimits;
  readonly outlierDetection?: OutlierDetectionConfig;
  readonly healthCheck?: HealthCheckConfig;
  /** Upstream HTTP protocol: HTTP/1.1, HTTP/2, or whatever the downstream used. */
  readonly upstreamProtocol: 'http1' | 'http2' | 'downstream';
  readonly maxRequestsPerConnection?: number;
  readonly idleTimeoutMs?: number;
  readonly transportSocketMatches: readonly TransportSocketMatch[];
  /** `auto_sni`: send the request's host (`:authority` without the port) as SNI. */
  readonly autoSni?: boolean;
  /** `auto_san_validation`: the server certificate must be valid for the request's host. */
  readonly autoSanValidation?: boolean;
  /** Inline endpoints (STATIC and DNS clusters). */
  readonly loadAssignment?: LoadAssignment;
  /** `upstream_bind_config`: the source address for upstream connections (127.0.0.6 inbound). */
  readonly upstreamBindAddress?: string;
  /** Istio's cluster metadata: the service host this cluster stands for, and the subset. */
  readonly serviceHost?: string;
  readonly subset?: string;
}
