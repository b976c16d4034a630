// The contract of the request-path policy filters (jwt_authn, RBAC, ext_authz): what they see of a
// request, the dynamic metadata they pass along, and the verdict each one returns.
import type { Route, VirtualHost } from '../config/index.js';
import type { ConnectionInfo } from '../http/exchange.js';
import type { HeaderMap } from '../http/headers.js';
import type { RequestHead } from '../http/message.js';
import type { ResponseFlag } from '../telemetry/response-flags.js';
import type { JsonObject } from '../../xds/struct.js';

/**
 * Per-request dynamic metadata, Envoy's `filter_metadata`: namespace (`envoy.filters.http.jwt_authn`,
 * `istio_authn`) → a JSON object. Filters write it; later filters and the access log read it.
 */
export type DynamicMetadata = Map<string, JsonObject>;

/** What a policy filter sees of one request. */
export interface PolicyRequest {
  /** The request head; filters may change its headers (jwt_authn strips the token, ext_authz adds headers). */
  readonly head: RequestHead;
  readonly connection: ConnectionInfo;
  /** The client address as Envoy's remote_ip sees it: from x-forwarded-for unless the HCM uses the peer address. */
  readonly remoteIp: string;
  /** SNI of the downstream TLS connection, when known. */
  readonly serverName?: string;
  /** The selected route and virtual host, for per-route filter config; undefined when none matched. */
  readonly route: Route | undefined;
  readonly virtualHost: VirtualHost | undefined;
  readonly metadata: DynamicMetadata;
  /** Aborted when the downstream goes away; filters that wait on I/O stop then. */
  readonly signal: AbortSignal;
}

/** A filter's outcome: go on to the next filter, or answer the client now. */
export type PolicyVerdict =
  | { readonly kind: 'continue' }
  | {
      readonly kind: 'deny';
      readonly status: number;
      readonly body: string;
      /** Envoy's response code details, e.g. `rbac_access_denied_matched_policy[none]`. */
      readonly details: string;
      readonly flag?: ResponseFlag;
      /** Extra headers for the local reply (ext_authz passes the check response's). */
      readonly headers?: HeaderMap;
    };

export const CONTINUE: PolicyVerdict = Object.freeze({ kind: 'continue' });

/** One policy filter of an HTTP connection manager's chain, built once per config version. */
export interface HttpPolicyFilter {
  /** The filter's name in the chain (keys typed_per_filter_config). */
  readonly name: string;
  /** Decides on a request's headers; async filters return a promise and must settle it once. */
  decodeHeaders(request: PolicyRequest): PolicyVerdict | Promise<PolicyVerdict>;
}
