// Runtime listener configuration, decoded from an Envoy Listener: address, filter chains with
// their match, and the network filter each chain ends in (HTTP connection manager or TCP proxy).
import type { ExtAuthzConfig, HttpRbacConfig, JwtAuthnConfig, NetworkRbacConfig } from './policy.js';
import type { RouteConfig } from './route.js';

export interface FilterChainMatch {
  readonly destinationPort?: number;
  /** CIDRs the original destination address must fall in; empty matches any. */
  readonly prefixRanges: readonly CidrRange[];
  readonly sourcePrefixRanges: readonly CidrRange[];
  /** SNI names, exact or `*.suffix`; empty matches any. */
  readonly serverNames: readonly string[];
  /** `tls` or `raw_buffer`; undefined matches either. */
  readonly transportProtocol?: string;
  /** ALPN or sniffed protocols: `http/1.1`, `h2c`, `istio-peer-exchange`, ... */
  readonly applicationProtocols: readonly string[];
  /** `source_type`: LOCAL matches a loopback peer or one whose address equals the destination; undefined is ANY. */
  readonly sourceType?: 'SAME_IP_OR_LOOPBACK' | 'EXTERNAL';
  /** `source_ports`: the peer's port must be one of these; undefined or empty matches any. */
  readonly sourcePorts?: readonly number[];
}

export interface CidrRange {
  readonly address: string;
  readonly prefixLen: number;
}

/** An HTTP filter in the connection manager's chain, as the sidecar knows it. */
export type HttpFilterConfig =
  | { readonly name: string; readonly kind: 'router' }
  | { readonly name: string; readonly kind: 'fault' }
  | { readonly name: string; readonly kind: 'cors' }
  | { readonly name: string; readonly kind: 'rbac'; readonly rbac: HttpRbacConfig }
  | { readonly name: string; readonly kind: 'jwt_authn'; readonly jwt: JwtAuthnConfig }
  | { readonly name: string; readonly kind: 'ext_authz'; readonly extAuthz: ExtAuthzConfig }
  /** A filter whose type URL Citadel's issue will implement (RBAC, JWT); kept so the chain is faithful. */
  | { readonly name: string; readonly kind: 'pending'; readonly typeUrl: string };

export interface HttpConnectionManagerConfig {
  readonly statPrefix: string;
  /** RDS: the route configuration to look up by name; or `routeConfig` inline. */
  readonly rdsRouteConfigName?: string;
  readonly routeConfig?: RouteConfig;
  readonly httpFilters: readonly HttpFilterConfig[];
  /** `codec_type`: AUTO sniffs HTTP/1.1 or HTTP/2. */
  readonly codec: 'auto' | 'http1' | 'http2';
  readonly streamIdleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly requestHeadersTimeoutMs: number;
  readonly maxRequestHeadersKb: number;
  readonly useRemoteAddress: boolean;
  readonly generateRequestId: boolean;
  /** Normalise request paths (RFC 3986 dot segments, unreserved escapes) before routing and policy. */
  readonly normalizePath?: boolean;
  /** Merge runs of slashes in request paths before routing and policy. */
  readonly mergeSlashes?: boolean;
  readonly forwardClientCertDetails?: string;
  readonly upgradeTypes: readonly string[];
  /** Network RBAC filters listed before the connection manager in the filter chain, in order. */
  readonly networkRbac?: readonly NetworkRbacConfig[];
}

export interface TcpProxyConfig {
  readonly statPrefix: string;
  /** One cluster, or weighted clusters. */
  readonly clusters: readonly { readonly name: string; readonly weight: number }[];
  readonly idleTimeoutMs: number;
  /** Network RBAC filters listed before the TCP proxy in the filter chain, in order. */
  readonly networkRbac?: readonly NetworkRbacConfig[];
}

export type NetworkFilterConfig =
  | { readonly kind: 'http'; readonly hcm: HttpConnectionManagerConfig }
  | { readonly kind: 'tcp'; readonly tcp: TcpProxyConfig };

/** TLS on the downstream side of a filter chain; Citadel's issue fills in the secrets. */
export interface DownstreamTlsConfig {
  readonly requireClientCertificate: boolean;
  readonly alpn: readonly string[];
  readonly certificateSecret?: string;
  readonly validationSecret?: string;
  /** SANs a client certificate must carry one of (URI or DNS, exact); empty accepts any the roots sign. */
  readonly matchSubjectAltNames?: readonly string[];
}

export interface FilterChainConfig {
  readonly name: string;
  readonly match: FilterChainMatch;
  /** The terminal network filter; other network filters (RBAC) are listed for Citadel's issue. */
  readonly network: NetworkFilterConfig;
  readonly tls?: DownstreamTlsConfig;
}

export interface ListenerConfig {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** false for the per-port outbound listeners that only receive connections through virtualOutbound. */
  readonly bindToPort: boolean;
  readonly useOriginalDst: boolean;
  readonly trafficDirection: 'INBOUND' | 'OUTBOUND' | 'UNSPECIFIED';
  readonly listenerFilters: readonly ('original_dst' | 'tls_inspector' | 'http_inspector')[];
  readonly listenerFiltersTimeoutMs: number;
  readonly continueOnListenerFiltersTimeout: boolean;
  readonly filterChains: readonly FilterChainConfig[];
  readonly defaultFilterChain?: FilterChainConfig;
  /** A proxyless gRPC ApiListener has no socket; the sidecar refuses it. */
}
