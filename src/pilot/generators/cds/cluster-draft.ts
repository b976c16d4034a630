// A cluster being built: the Cluster message plus its upstream HTTP protocol options, which are
// filled in by several steps and packed into typed_extension_protocol_options at the end.
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { HttpProtocolOptions } from '../../../xds/generated/envoy/extensions/upstreams/http/v3/HttpProtocolOptions.js';
import { packAny } from '../../../xds/index.js';

/** The extension name and message type of upstream HTTP protocol options. */
export const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** A Cluster under construction, with HTTP protocol options kept unpacked until `finishCluster`. */
export interface ClusterDraft {
  readonly cluster: Cluster;
  httpOptions?: HttpProtocolOptions;
}

/** The draft's HTTP protocol options, created empty on first use. */
export function httpOptionsOf(draft: ClusterDraft): HttpProtocolOptions {
  draft.httpOptions ??= {};
  return draft.httpOptions;
}

/** Makes the cluster speak HTTP/2 to its endpoints (explicit_http_config). */
export function setHttp2(draft: ClusterDraft): void {
  const options = httpOptionsOf(draft);
  delete options.use_downstream_protocol_config;
  delete options.auto_config;
  options.explicit_http_config = { http2_protocol_options: {} };
}

/** Makes the cluster speak whichever HTTP version the downstream request used. */
export function setUseDownstreamProtocol(draft: ClusterDraft): void {
  const options = httpOptionsOf(draft);
  delete options.explicit_http_config;
  delete options.auto_config;
  options.use_downstream_protocol_config = { http_protocol_options: {}, http2_protocol_options: {} };
}

/** True when the cluster is set to speak HTTP/2 upstream. */
export function isHttp2(draft: ClusterDraft): boolean {
  return draft.httpOptions?.explicit_http_config?.http2_protocol_options != null;
}

/** The finished Cluster, with the HTTP protocol options packed when there are any. */
export function finishCluster(draft: ClusterDraft): Cluster {
  if (draft.httpOptions) {
    draft.cluster.typed_extension_protocol_options = { [HTTP_PROTOCOL_OPTIONS]: packAny(HTTP_PROTOCOL_OPTIONS, draft.httpOptions) };
  }
  return draft.cluster;
}
