// Runtime route configuration: what the sidecar's router reads, decoded from an Envoy
// RouteConfiguration with defaults applied. No protobuf types past this point.
import type { RbacPerRoute } from './policy.js';

/** How a string is matched (Envoy's StringMatcher). `regex` is RE2 syntax. */
export type StringMatch =
  | { readonly kind: 'exact'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'contains'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'regex'; readonly value: string };

/** A header condition; `present` only checks that the header is there. `invert` negates the whole match. */
export interface HeaderMatch {
  readonly name: string;
  readonly match: StringMatch | { readonly kind: 'present' };
  readonly invert: boolean;
  /** Envoy's treat_missing_header_as_empty: a missing header is matched as the empty string. */
  readonly treatMissingAsEmpty?: boolean;
}

/** A query parameter condition; `present` only checks that the parameter is there. */
export interface QueryParameterMatch {
  readonly name: string;
  readonly match: StringMatch | { readonly kind: 'present' };
}

/** The path part of a route match. `caseSensitive` defaults to true. */
export type PathMatch =
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'path'; readonly value: string }
  | { readonly kind: 'regex'; readonly value: string }
  | { readonly kind: 'path_separated_prefix'; readonly value: string };

export interface RouteMatch {
  readonly path: PathMatch;
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatch[];
  readonly queryParameters: readonly QueryParameterMatch[];
  /** Fraction of requests matched, in parts per million; undefined means all. */
  readonly runtimeFractionPpm?: number;
}

export interface HeaderValueOption {
  readonly name: string;
  readonly value: string;
  /** Envoy's append_action: append to an existing value, add only when absent, or overwrite. */
  readonly action: 'append' | 'add_if_absent' | 'overwrite';
}

export interface HeaderOperations {
  readonly requestHeadersToAdd: readonly HeaderValueOption[];
  readonly requestHeadersToRemove: readonly string[];
  readonly responseHeadersToAdd: readonly HeaderValueOption[];
  readonly responseHeadersToRemove: readonly string[];
}

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
  readonly headers: HeaderOperations;
  /** The authority to rewrite to when this cluster is picked (host_rewrite_literal). */
  readonly hostRewrite?: string;
}

export interface RetryPolicy {
  /** The retry_on conditions, split: `5xx`, `gateway-error`, `reset`, `connect-failure`, ... */
  readonly retryOn: ReadonlySet<string>;
  readonly numRetries: number;
  readonly perTryTimeoutMs?: number;
  readonly retriableStatusCodes: readonly number[];
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Whether `envoy.retry_host_predicates.previous_hosts` is set: prefer other hosts on retry. */
  readonly avoidPreviousHosts: boolean;
  readonly hostSelectionRetryMaxAttempts: number;
}

export interface HashPolicy {
  readonly kind: 'header' | 'cookie' | 'source_ip' | 'query_parameter';
  /** Header name, cookie name or query parameter name; empty for source_ip. */
  readonly name: string;
  readonly cookieTtlMs?: number;
  readonly cookiePath?: string;
  readonly terminal: boolean;
}

export interface MirrorPolicy {
  readonly cluster: string;
  /** Parts per million of requests mirrored; 1,000,000 is all. */
  readonly fractionPpm: number;
}

export interface RouteAction {
  readonly kind: 'route';
  /** One cluster, or several with relative weights. */
  readonly clusters: readonly WeightedCluster[];
  readonly totalWeight: number;
  readonly prefixRewrite?: string;
  readonly regexRewrite?: { readonly pattern: string; readonly substitution: string };
  readonly hostRewrite?: string;
  readonly autoHostRewrite: boolean;
  /** Route timeout; 0 disables it. Envoy's default is 15 s, Istio sets 0 unless configured. */
  readonly timeoutMs: number;
  readonly idleTimeoutMs?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly hashPolicies: readonly HashPolicy[];
  readonly mirrors: readonly MirrorPolicy[];
  /** gRPC: the cap on `grpc-timeout`, when max_stream_duration.grpc_timeout_header_max is set. */
  readonly grpcTimeoutHeaderMaxMs?: number;
  readonly upgrades: readonly string[];
}

export interface RedirectAction {
  readonly kind: 'redirect';
  readonly scheme?: string;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly prefixRewrite?: string;
  readonly regexRewrite?: { readonly pattern: string; readonly substitution: string };
  readonly responseCode: number;
  readonly stripQuery: boolean;
}

export interface DirectResponseAction {
  readonly kind: 'direct_response';
  readonly status: number;
  readonly body?: string;
}

/** Fault injection, from the route's typed_per_filter_config for `envoy.filters.http.fault`. */
export interface FaultPolicy {
  readonly delay?: { readonly fixedDelayMs: number; readonly percentagePpm: number };
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: number; readonly percentagePpm: number };
  /**
   * Whether the x-envoy-fault-* request headers may set the fault (Envoy's header_delay and
   * header_abort); the configured percentages then cap the header ones. Undefined means no.
   */
  readonly headerControlled?: boolean;
}

export interface CorsPolicy {
  readonly allowOrigins: readonly StringMatch[];
  readonly allowMethods?: string;
  readonly allowHeaders?: string;
  readonly exposeHeaders?: string;
  readonly maxAge?: string;
  readonly allowCredentials?: boolean;
}

export interface Route {
  readonly name: string;
  readonly match: RouteMatch;
  readonly action: RouteAction | RedirectAction | DirectResponseAction;
  readonly headers: HeaderOperations;
  readonly fault?: FaultPolicy;
  readonly cors?: CorsPolicy;
  /** RBACPerRoute overrides from typed_per_filter_config, keyed by HTTP filter name. */
  readonly rbacPerRoute?: Readonly<Record<string, RbacPerRoute>>;
  /** The operation name for tracing (route decorator). */
  readonly decorator?: string;
}

export interface VirtualHost {
  readonly name: string;
  /** Domains as configured: exact, `*.suffix`, `prefix*` or `*`; lowercase. */
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
  readonly headers: HeaderOperations;
  readonly includeRequestAttemptCount: boolean;
  readonly retryPolicy?: RetryPolicy;
  readonly cors?: CorsPolicy;
  /** RBACPerRoute overrides from typed_per_filter_config, keyed by HTTP filter name. */
  readonly rbacPerRoute?: Readonly<Record<string, RbacPerRoute>>;
  /** Envoy's require_tls ALL: a request whose x-forwarded-proto is not https is redirected (301) to https. */
  readonly requireTls?: 'ALL';
}

export interface RouteConfig {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly headers: HeaderOperations;
  readonly ignorePortInHostMatching: boolean;
}
