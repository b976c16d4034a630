// A cluster's upstream HTTP options (typed_extension_protocol_options HttpProtocolOptions): protocol, idle timeout, requests per connection, auto SNI and SAN validation.
import type { HttpProtocolOptions__Output } from '../../xds/generated/envoy/extensions/upstreams/http/v3/HttpProtocolOptions.js';
import type { ClusterConfig } from '../config/cluster.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs, wrapped } from './duration.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

/** What the upstream HTTP options set on a cluster. */
export interface UpstreamHttpOptions {
  readonly upstreamProtocol?: ClusterConfig['upstreamProtocol'];
  readonly idleTimeoutMs?: number;
  readonly maxRequestsPerConnection?: number;
  readonly autoSni?: boolean;
  readonly autoSanValidation?: boolean;
}

/**
 * HttpProtocolOptions: explicit HTTP/1.1 or HTTP/2, the downstream's protocol, or auto (ALPN;
 * the sidecar treats it as the downstream's protocol), and `upstream_http_protocol_options`'
 * auto_sni and auto_san_validation. Upstream HTTP filters and override_auto_sni_header are errors.
 */
export function decodeHttpProtocolOptions(m: HttpProtocolOptions__Output, errors: DecodeErrors, path: string): UpstreamHttpOptions {
  let upstreamProtocol: ClusterConfig['upstreamProtocol'] | undefined;
  switch (m.upstream_protocol_options) {
    case 'explicit_http_config': {
      const p = m.explicit_http_config?.protocol_config;
      if (p === 'http2_protocol_options') upstreamProtocol = 'http2';
      else if (p === 'http_protocol_options') upstreamProtocol = 'http1';
      else errors.add(`${path}.explicit_http_config`, `unsupported protocol ${String(p)}`);
      break;
    }
    case 'use_downstream_protocol_config':
    case 'auto_config':
      upstreamProtocol = 'downstream';
      break;
  }
  if (m.http_filters.length > 0) errors.add(`${path}.http_filters`, 'upstream HTTP filters are not supported');
  const upstream = m.upstream_http_protocol_options;
  if (upstream?.override_auto_sni_header) errors.add(`${path}.upstream_http_protocol_options.override_auto_sni_header`, 'not supported');
  const common = m.common_http_protocol_options;
  const idleTimeoutMs = durationMs(common?.idle_timeout);
  const maxRequestsPerConnection = wrapped(common?.max_requests_per_connection);
  return {
    ...(upstreamProtocol ? { upstreamProtocol } : {}),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    ...(maxRequestsPerConnection !== undefined ? { maxRequestsPerConnection } : {}),
    ...(upstream?.auto_sni ? { autoSni: true } : {}),
    ...(upstream?.auto_san_validation ? { autoSanValidation: true } : {}),
  };
}

/** typed_extension_protocol_options type URLs the sidecar reads. */
export const PROTOCOL_OPTIONS = new TypedConfigRegistry<UpstreamHttpOptions>('protocol options').register(
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  decodeHttpProtocolOptions,
);
