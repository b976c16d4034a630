// Narrow views of a DestinationRule's traffic policy, read by Galley's validation and Pilot's
// generators alike: the generated Istio API types are too heavy to index everywhere, and a
// compile-time check below keeps these views in step with them.
import type { DestinationRuleSpec } from './types.js';

/** `loadBalancer.simple`, as Istio spells it. */
export type SimpleLb = 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';

/** `loadBalancer.consistentHash`: one hash key, and ring hash or maglev. */
export interface ConsistentHashSettings {
  readonly httpHeaderName?: string;
  readonly httpCookie?: {
    readonly name: string;
    readonly path?: string;
    readonly ttl?: string;
    readonly attributes?: readonly { readonly name: string; readonly value?: string }[];
  };
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
  readonly ringHash?: { readonly minimumRingSize?: number };
  readonly maglev?: { readonly tableSize?: number };
  /** Deprecated in Istio; still honoured when neither ringHash nor maglev is given. */
  readonly minimumRingSize?: number;
}

/** `loadBalancer`: a simple policy or a consistent hash. */
export interface LoadBalancerSettings {
  readonly simple?: SimpleLb;
  readonly consistentHash?: ConsistentHashSettings;
  /** Slow start window for ROUND_ROBIN and LEAST_REQUEST (deprecated in Istio for `warmup`). */
  readonly warmupDurationSecs?: string;
  readonly warmup?: { readonly duration: string };
}

/** `connectionPool`: TCP and HTTP limits and timeouts. */
export interface ConnectionPoolSettings {
  readonly tcp?: {
    readonly maxConnections?: number;
    readonly connectTimeout?: string;
    readonly idleTimeout?: string;
    readonly maxConnectionDuration?: string;
    readonly tcpKeepalive?: { readonly probes?: number; readonly time?: string; readonly interval?: string };
  };
  readonly http?: {
    readonly http1MaxPendingRequests?: number;
    readonly http2MaxRequests?: number;
    readonly maxRequestsPerConnection?: number;
    readonly maxRetries?: number;
    readonly idleTimeout?: string;
    readonly h2UpgradePolicy?: 'DEFAULT' | 'DO_NOT_UPGRADE' | 'UPGRADE';
    readonly useClientProtocol?: boolean;
    readonly maxConcurrentStreams?: number;
  };
}

/** `outlierDetection`: passive ejection of failing endpoints. */
export interface OutlierDetectionSettings {
  readonly consecutive5xxErrors?: number;
  readonly consecutiveGatewayErrors?: number;
  readonly consecutiveLocalOriginFailures?: number;
  readonly splitExternalLocalOriginErrors?: boolean;
  /** Deprecated in Istio for consecutive5xxErrors. */
  readonly consecutiveErrors?: number;
  readonly interval?: string;
  readonly baseEjectionTime?: string;
  readonly maxEjectionPercent?: number;
  readonly minHealthPercent?: number;
}

/** `tls` (ClientTLSSettings): the TLS a client originates to the destination. */
export interface ClientTlsSettings {
  readonly mode?: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  readonly clientCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly caCrl?: string;
  readonly credentialName?: string;
  readonly subjectAltNames?: readonly string[];
  readonly sni?: string;
  readonly insecureSkipVerify?: boolean;
}

/** A traffic policy with its port-level settings already resolved for one port. */
export interface ResolvedTrafficPolicy {
  readonly connectionPool?: ConnectionPoolSettings;
  readonly loadBalancer?: LoadBalancerSettings;
  readonly outlierDetection?: OutlierDetectionSettings;
  readonly tls?: ClientTlsSettings;
}

/** One `portLevelSettings` entry: a whole policy for one port. */
export interface PortTrafficPolicy extends ResolvedTrafficPolicy {
  readonly port?: { readonly number?: number };
}

/** `trafficPolicy` of a rule or subset, with its port-level settings. */
export interface TrafficPolicy extends ResolvedTrafficPolicy {
  readonly portLevelSettings?: readonly PortTrafficPolicy[];
}

/** A named subset: the endpoints with `labels`, and the policy for traffic routed to it. */
export interface Subset {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly trafficPolicy?: TrafficPolicy;
}

/** What the generators read of a DestinationRule's spec. */
export interface DestinationRuleView {
  readonly host: string;
  readonly trafficPolicy?: TrafficPolicy;
  readonly subsets?: readonly Subset[];
}

/** Compile-time check: every parsed DestinationRule spec is readable through the view. */
export const asDestinationRuleView: (spec: DestinationRuleSpec) => DestinationRuleView = (spec) => spec;
