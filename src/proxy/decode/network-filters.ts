// The network filters of a filter chain, registered by type URL: the terminal ones a chain ends
// in, and the policy filters (network RBAC) that may run before them.
import type { NetworkFilterConfig } from '../config/listener.js';
import type { NetworkRbacConfig } from '../config/policy.js';
import { decodeHttpConnectionManager } from './http-connection-manager.js';
import { decodeNetworkRbac } from './rbac.js';
import { decodeTcpProxy } from './tcp-proxy.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

/** Network filter type URLs → the terminal filter config. */
export const NETWORK_FILTERS = new TypedConfigRegistry<NetworkFilterConfig>('network filter')
  .register('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', (m: Parameters<typeof decodeHttpConnectionManager>[0], errors, path) => {
    const hcm = decodeHttpConnectionManager(m, errors, path);
    return hcm && { kind: 'http', hcm };
  })
  .register('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', (m: Parameters<typeof decodeTcpProxy>[0], errors, path) => {
    const tcp = decodeTcpProxy(m, errors, path);
    return tcp && { kind: 'tcp', tcp };
  });

/** Non-terminal network filter type URLs → their config; they run, in order, before the terminal filter. */
export const NETWORK_POLICY_FILTERS = new TypedConfigRegistry<NetworkRbacConfig>('network filter').register(
  'envoy.extensions.filters.network.rbac.v3.RBAC',
  decodeNetworkRbac,
);
