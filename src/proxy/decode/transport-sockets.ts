// Transport sockets by type URL: TLS on either side, or plaintext (RawBuffer, decoded as `null`).
import type { DownstreamTlsConfig } from '../config/listener.js';
import type { UpstreamTlsConfig } from '../config/cluster.js';
import { decodeDownstreamTlsContext, decodeUpstreamTlsContext } from './tls-context.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

const RAW_BUFFER = 'envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer';

/** Transport sockets a cluster may use towards endpoints; `null` is plaintext. */
export const UPSTREAM_TRANSPORT_SOCKETS = new TypedConfigRegistry<UpstreamTlsConfig | null>('upstream transport socket')
  .register('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', decodeUpstreamTlsContext)
  .register(RAW_BUFFER, () => null);

/** Transport sockets a filter chain may terminate; `null` is plaintext. */
export const DOWNSTREAM_TRANSPORT_SOCKETS = new TypedConfigRegistry<DownstreamTlsConfig | null>('downstream transport socket')
  .register('envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', decodeDownstreamTlsContext)
  .register(RAW_BUFFER, () => null);
