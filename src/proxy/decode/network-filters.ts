// The network filters a filter chain can end in, registered by type URL.
import type { NetworkFilterConfig } from '../config/listener.js';
import { decodeHttpConnectionManager } from './http-connection-manager.js';
import { decodeTcpProxy } from './tcp-proxy.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

/** Network filter type URLs → the terminal filter config. Network RBAC is refused until it is implemented. */
export const NETWORK_FILTERS = new TypedConfigRegistry<NetworkFilterConfig>('network filter')
  .register('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', (m: Parameters<typeof decodeHttpConnectionManager>[0], errors, path) => {
    const hcm = decodeHttpConnectionManager(m, errors, path);
    return hcm && { kind: 'http', hcm };
  })
  .register('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', (m: Parameters<typeof decodeTcpProxy>[0], errors, path) => {
    const tcp = decodeTcpProxy(m, errors, path);
    return tcp && { kind: 'tcp', tcp };
  })
  .registerUnsupported('envoy.extensions.filters.network.rbac.v3.RBAC', 'not supported yet');
