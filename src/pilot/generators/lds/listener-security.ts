// The hook where Citadel's policy plugs into listeners: authentication and authorization filters
// (JWT, RBAC) and the inbound TLS variants (PeerAuthentication). Pilot builds plaintext,
// policy-free listeners and asks this hook what to add; by default it adds nothing.
import type { Filter } from '../../../xds/generated/envoy/config/listener/v3/Filter.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';

/** Which side of which proxy a filter chain serves (Istio's listener classes). */
export type ListenerClass = 'sidecar-inbound' | 'sidecar-outbound' | 'gateway';

/** Where a filter chain is being built. */
export interface FilterChainContext {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly listenerClass: ListenerClass;
  /** The port the chain serves: the workload port inbound, the service or server port otherwise; 0 for passthrough chains. */
  readonly port: number;
}

/** Policy enforcement that Pilot's listeners leave room for. */
export interface ListenerSecurity {
  /**
   * HTTP filters placed at the head of every HTTP connection manager of this context, before
   * fault, CORS and the router: Istio's order is authentication (JWT) then authorization (RBAC).
   */
  httpFilters(ctx: FilterChainContext): readonly HttpFilter[];
  /** Network filters placed before the TCP proxy of a TCP chain (RBAC on connections). */
  networkFilters(ctx: FilterChainContext): readonly Filter[];
  /**
   * The inbound chains to serve for one workload port, given the plaintext chain Pilot built:
   * under PeerAuthentication this becomes a TLS chain (transport socket, ALPN match) and, when
   * PERMISSIVE, the plaintext one as well. With port 0 it is asked about virtualInbound's
   * passthrough chain for undeclared ports: returning that chain alone keeps it as the listener's
   * default chain (unless another chain matches on transport or ALPN); anything else replaces it
   * with the chains returned. Chains returned for port 0 may match a `destination_port`: they are
   * placed before the port-less ones, and dropped for ports the listener already serves.
   */
  inboundFilterChains(ctx: FilterChainContext, plaintext: FilterChain): readonly FilterChain[];
}

/** No policy: no extra filters, and inbound chains stay plaintext. */
export const NO_LISTENER_SECURITY: ListenerSecurity = Object.freeze({
  httpFilters: () => [],
  networkFilters: () => [],
  inboundFilterChains: (_ctx: FilterChainContext, plaintext: FilterChain) => [plaintext],
});
