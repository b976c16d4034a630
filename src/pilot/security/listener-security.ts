// Citadel's policy on Pilot's listeners: PeerAuthentication shapes the inbound chains (mTLS),
// AuthorizationPolicy and RequestAuthentication add the JWT and RBAC filters.
import type { ListenerSecurity } from '../generators/lds/listener-security.js';
import { JWKS_RESOLVER, authorizationHttpFilters, authorizationNetworkFilters, createAuthorizationFilters } from './authz/authz-filters.js';
import type { JwksFetchMode } from './authz/jwks-fetch-mode.js';
import { inboundTlsFilterChains } from './mtls/inbound-tls.js';

/** The security hook every listener generator of the control plane uses. */
export const ISTIO_LISTENER_SECURITY: ListenerSecurity = Object.freeze({
  httpFilters: authorizationHttpFilters,
  networkFilters: authorizationNetworkFilters,
  inboundFilterChains: inboundTlsFilterChains,
});

/** The same hook with the control plane's JWKS fetch mode (`istiod` is ISTIO_LISTENER_SECURITY's). */
export function createIstioListenerSecurity(options: { readonly jwksFetchMode: JwksFetchMode }): ListenerSecurity {
  if (options.jwksFetchMode === 'istiod') return ISTIO_LISTENER_SECURITY;
  const filters = createAuthorizationFilters({ jwks: JWKS_RESOLVER, jwksFetchMode: options.jwksFetchMode });
  return Object.freeze({ httpFilters: filters.httpFilters, networkFilters: filters.networkFilters, inboundFilterChains: inboundTlsFilterChains });
}
