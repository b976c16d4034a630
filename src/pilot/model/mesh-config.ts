// Mesh-wide settings, Istio's MeshConfig as far as Heddle uses it, with Istio's defaults.

export interface MeshConfig {
  /** The root namespace: mesh-wide policy lives here. */
  readonly rootNamespace: string;
  readonly trustDomain: string;
  /** Default connect timeout for clusters, in ms (Istio: 10s). */
  readonly connectTimeoutMs: number;
  /** What sidecars do with traffic to unknown destinations. */
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** Whether clients use mTLS automatically towards endpoints that accept it. */
  readonly enableAutoMtls: boolean;
  /** Default TCP idle timeout, in ms (1h). */
  readonly tcpIdleTimeoutMs: number;
  /** Authorization services that CUSTOM AuthorizationPolicies name as their provider (Istio's `extensionProviders`). */
  readonly extensionProviders?: readonly ExtensionProvider[];
}

/** An external authorization service over HTTP (Istio's `envoyExtAuthzHttp`). */
export interface EnvoyExtAuthzHttpProvider {
  /** The service's host, optionally as `namespace/host` (`ext-authz.foo.svc.cluster.local`). */
  readonly service: string;
  readonly port: number;
  /** Prepended to the request path of each check. */
  readonly pathPrefix?: string;
  /** How long a check may take, as an Istio duration (`0.5s`); Istio's default is 600s. */
  readonly timeout?: string;
  /** Allow the request when the service cannot be reached (default false). */
  readonly failOpen?: boolean;
  /** The status when the service cannot be reached (default 403). */
  readonly statusOnError?: string;
  /** Request headers sent to the service (Envoy always sends a few, such as the method and path). */
  readonly includeRequestHeadersInCheck?: readonly string[];
  /** Response headers of the service added to the request on allow. */
  readonly headersToUpstreamOnAllow?: readonly string[];
  /** Response headers of the service returned to the client on deny. */
  readonly headersToDownstreamOnDeny?: readonly string[];
}

/** A named extension provider; Heddle knows the HTTP external authorizer. */
export interface ExtensionProvider {
  readonly name: string;
  readonly envoyExtAuthzHttp?: EnvoyExtAuthzHttpProvider;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  connectTimeoutMs: 10_000,
  outboundTrafficPolicy: 'ALLOW_ANY',
  enableAutoMtls: true,
  tcpIdleTimeoutMs: 3_600_000,
});
