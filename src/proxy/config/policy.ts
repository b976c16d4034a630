// Runtime configuration of the policy filters (RBAC, jwt_authn, ext_authz), decoded from their
// Envoy protos. Plain readonly data; the filters in src/proxy/filters compile it once per version.
import type { CidrRange } from './listener.js';
import type { HeaderMatch, RouteMatch, StringMatch } from './route.js';

/** Envoy's RBAC action: ALLOW and DENY decide; LOG only marks matching requests for the access log. */
export type RbacAction = 'ALLOW' | 'DENY' | 'LOG';

/** Envoy's ValueMatcher over one metadata value. */
export type ValueMatch =
  | { readonly kind: 'null' }
  | { readonly kind: 'double'; readonly exact?: number; readonly range?: { readonly start: number; readonly end: number } }
  | { readonly kind: 'string'; readonly match: StringMatch }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'present'; readonly value: boolean }
  | { readonly kind: 'list'; readonly oneOf: ValueMatch }
  | { readonly kind: 'or'; readonly matchers: readonly ValueMatch[] };

/** Envoy's MetadataMatcher: the value at `path` under dynamic metadata namespace `filter`. */
export interface MetadataMatch {
  readonly filter: string;
  readonly path: readonly string[];
  readonly value: ValueMatch;
  readonly invert: boolean;
}

/** An RBAC permission: what the request asks for. */
export type RbacPermission =
  | { readonly kind: 'any' }
  | { readonly kind: 'and'; readonly rules: readonly RbacPermission[] }
  | { readonly kind: 'or'; readonly rules: readonly RbacPermission[] }
  | { readonly kind: 'not'; readonly rule: RbacPermission }
  | { readonly kind: 'header'; readonly header: HeaderMatch }
  | { readonly kind: 'url_path'; readonly match: StringMatch }
  | { readonly kind: 'destination_ip'; readonly cidr: CidrRange }
  | { readonly kind: 'destination_port'; readonly port: number }
  /** Half-open: start inclusive, end exclusive, as Envoy's Int32Range. */
  | { readonly kind: 'destination_port_range'; readonly start: number; readonly end: number }
  | { readonly kind: 'requested_server_name'; readonly match: StringMatch }
  | { readonly kind: 'metadata'; readonly metadata: MetadataMatch };

/** An RBAC principal: who is asking. */
export type RbacPrincipal =
  | { readonly kind: 'any' }
  | { readonly kind: 'and'; readonly ids: readonly RbacPrincipal[] }
  | { readonly kind: 'or'; readonly ids: readonly RbacPrincipal[] }
  | { readonly kind: 'not'; readonly id: RbacPrincipal }
  /** The peer certificate's principal; no `match` means any authenticated peer. */
  | { readonly kind: 'authenticated'; readonly match?: StringMatch }
  | { readonly kind: 'direct_remote_ip'; readonly cidr: CidrRange }
  | { readonly kind: 'remote_ip'; readonly cidr: CidrRange }
  /** Deprecated in Envoy; the connection's peer address, as direct_remote_ip. */
  | { readonly kind: 'source_ip'; readonly cidr: CidrRange }
  | { readonly kind: 'header'; readonly header: HeaderMatch }
  | { readonly kind: 'url_path'; readonly match: StringMatch }
  | { readonly kind: 'metadata'; readonly metadata: MetadataMatch };

/** One named policy: it matches when any permission and any principal match. */
export interface RbacPolicy {
  readonly name: string;
  readonly permissions: readonly RbacPermission[];
  readonly principals: readonly RbacPrincipal[];
}

/** Envoy's envoy.config.rbac.v3.RBAC; policies keep their map order, sorted by name for stable evaluation. */
export interface RbacRules {
  readonly action: RbacAction;
  readonly policies: readonly RbacPolicy[];
}

/** The HTTP RBAC filter. Without `rules` every request passes (shadow rules still run). */
export interface HttpRbacConfig {
  readonly rules?: RbacRules;
  readonly shadowRules?: RbacRules;
  readonly rulesStatPrefix: string;
  readonly shadowRulesStatPrefix: string;
}

/** RBACPerRoute: `rbac` overrides the filter's config on a route; absent disables the filter there. */
export interface RbacPerRoute {
  readonly rbac?: HttpRbacConfig;
}

/** The network RBAC filter, run when a connection starts. */
export interface NetworkRbacConfig {
  readonly statPrefix: string;
  readonly rules?: RbacRules;
  readonly shadowRules?: RbacRules;
  readonly shadowRulesStatPrefix: string;
}

/** Where a provider looks for its token in a request header, with the prefix before the token. */
export interface JwtHeaderSource {
  readonly name: string;
  readonly valuePrefix: string;
}

/**
 * remote_jwks: a key set fetched over HTTP through a cluster of the sidecar, cached for
 * `cacheDurationMs`, fetched again (rate-limited) when a token names a key it does not hold.
 */
export interface JwtRemoteJwksConfig {
  /** http_uri.uri: the request's path and authority come from it. */
  readonly uri: string;
  /** http_uri.cluster: the cluster the request goes through (its TLS and endpoints). */
  readonly cluster: string;
  /** http_uri.timeout, per attempt. */
  readonly timeoutMs: number;
  /** cache_duration; Envoy's default is 5 minutes. */
  readonly cacheDurationMs: number;
  /** async_fetch: fetch when the config arrives, and retry a failed fetch after `failedRefetchMs`. */
  readonly asyncFetch?: { readonly failedRefetchMs: number };
  /** retry_policy: extra attempts after a failed one (0 without a policy), with jittered backoff. */
  readonly retries: number;
  readonly retryBackoffBaseMs: number;
  readonly retryBackoffMaxMs: number;
}

/** One jwt_authn provider; `jwks` is the JWKS JSON as inlined by the control plane, empty when `remoteJwks` is set. */
export interface JwtProviderConfig {
  readonly name: string;
  readonly issuer: string;
  /** Empty: any audience. */
  readonly audiences: readonly string[];
  readonly jwks: string;
  /** Set when the keys are fetched by the sidecar instead of inlined. */
  readonly remoteJwks?: JwtRemoteJwksConfig;
  readonly forward: boolean;
  /** Empty together with `fromParams`: Envoy's defaults (Authorization: Bearer, access_token). */
  readonly fromHeaders: readonly JwtHeaderSource[];
  readonly fromParams: readonly string[];
  /** Cookie names the token may come in. */
  readonly fromCookies: readonly string[];
  readonly forwardPayloadHeader?: string;
  /** claim_to_headers: a verified claim (dotted path for nested ones) copied to a request header. */
  readonly claimToHeaders: readonly { readonly header: string; readonly claim: string }[];
  /** normalize_payload_in_metadata: claims whose space-separated string becomes a list in metadata. */
  readonly spaceDelimitedClaims: readonly string[];
  readonly payloadInMetadata?: string;
  readonly clockSkewSeconds: number;
}

/** Envoy's JwtRequirement tree. */
export type JwtRequirement =
  | { readonly kind: 'provider'; readonly provider: string; readonly audiences?: readonly string[] }
  | { readonly kind: 'requires_any'; readonly requirements: readonly JwtRequirement[] }
  | { readonly kind: 'requires_all'; readonly requirements: readonly JwtRequirement[] }
  | { readonly kind: 'allow_missing' }
  | { readonly kind: 'allow_missing_or_failed' };

/** A RequirementRule: the first rule whose match fits the request decides; no `requires` verifies nothing. */
export interface JwtRule {
  readonly match: RouteMatch;
  readonly requires?: JwtRequirement;
}

export interface JwtAuthnConfig {
  readonly providers: readonly JwtProviderConfig[];
  readonly rules: readonly JwtRule[];
  readonly bypassCorsPreflight: boolean;
}

/** ext_authz in HTTP service mode. */
export interface ExtAuthzConfig {
  readonly cluster: string;
  /** The authority of check requests (http_service.server_uri.uri's host). */
  readonly authority: string;
  readonly pathPrefix: string;
  readonly timeoutMs: number;
  readonly failureModeAllow: boolean;
  /** Status sent when the check fails (network error, timeout); Envoy's default 403. */
  readonly statusOnError: number;
  /** Request headers copied into the check request, besides Envoy's always-sent ones. */
  readonly allowedHeaders: readonly StringMatch[];
  /** Headers added to every check request. */
  readonly headersToAdd: readonly { readonly name: string; readonly value: string }[];
  /** Check-response headers copied to the upstream request on allow. */
  readonly allowedUpstreamHeaders: readonly StringMatch[];
  /** Check-response headers copied to the client on deny; empty means all. */
  readonly allowedClientHeaders: readonly StringMatch[];
  /** filter_enabled_metadata: the filter runs only for requests whose dynamic metadata matches. */
  readonly enabledMetadata?: MetadataMatch;
}
