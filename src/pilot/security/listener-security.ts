// Citadel's policy on Pilot's listeners: PeerAuthentication shapes the inbound chains (mTLS),
// AuthorizationPolicy and RequestAuthentication add the JWT and RBAC filters.
import type { ListenerSecurity } from '../generators/lds/listener-security.js';
import { authorizationHttpFilters, authorizationNetworkFilters } from './authz/authz-filters.js';
import { inboundTlsFilterChains } from './mtls/inbound-tls.js';

/** The security hook every listener generator of the control plane uses. */
export const ISTIO_LISTENER_SECURITY: ListenerSecurity = Object.freeze({
  httpFilters: authorizationHttpFilters,
  networkFilters: authorizationNetworkFilters,
  inboundFilterChains: inboundTlsFilterChains,
});
