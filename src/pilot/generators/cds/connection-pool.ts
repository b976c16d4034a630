// DestinationRule connectionPool → circuit breakers, connect timeout and upstream HTTP options,
// with Istio's defaults: every limit 2^32-1 unless set (not Envoy's 1024), the mesh connect timeout.
import type { CircuitBreakers, _envoy_config_cluster_v3_CircuitBreakers_Thresholds as Thresholds } from '../../../xds/generated/envoy/config/cluster/v3/CircuitBreakers.js';
import type { Duration } from '../../../xds/generated/google/protobuf/Duration.js';
import type { ConnectionPoolSettings } from '../../../api/index.js';
import { durationSeconds, parseDurationText } from '../shared/duration.js';
import { httpOptionsOf, isHttp2, setUseDownstreamProtocol, type ClusterDraft } from './cluster-draft.js';

/** Istio's default for every circuit-breaker limit: 2^32-1, in effect unlimited. */
export const UNLIMITED = 4_294_967_295;

/** Circuit breakers for `settings`: Istio's defaults, overridden by each limit that is set to more than 0. */
export function buildCircuitBreakers(settings: ConnectionPoolSettings | undefined): CircuitBreakers {
  const { tcp, http } = settings ?? {};
  const thresholds: Thresholds = {
    max_connections: { value: positive(tcp?.maxConnections) ?? UNLIMITED },
    max_pending_requests: { value: positive(http?.http1MaxPendingRequests) ?? UNLIMITED },
    max_requests: { value: positive(http?.http2MaxRequests) ?? UNLIMITED },
    max_retries: { value: positive(http?.maxRetries) ?? UNLIMITED },
    track_remaining: true,
  };
  return { thresholds: [thresholds] };
}

/**
 * Applies `settings` to the draft as Istio's applyConnectionPool does: connect timeout (the mesh
 * default unless tcp.connectTimeout), circuit breakers, idle timeout (http, else tcp), max
 * requests and duration per connection, HTTP/2 max concurrent streams, client protocol and TCP
 * keepalive.
 */
export function applyConnectionPool(draft: ClusterDraft, settings: ConnectionPoolSettings | undefined, meshConnectTimeout: Duration): void {
  const { cluster } = draft;
  const { tcp, http } = settings ?? {};
  cluster.connect_timeout = parseDurationText(tcp?.connectTimeout) ?? meshConnectTimeout;
  cluster.circuit_breakers = buildCircuitBreakers(settings);

  const idleTimeout = parseDurationText(http?.idleTimeout) ?? parseDurationText(tcp?.idleTimeout);
  const maxRequestsPerConnection = positive(http?.maxRequestsPerConnection);
  const maxConnectionDuration = parseDurationText(tcp?.maxConnectionDuration);
  const maxConcurrentStreams = positive(http?.maxConcurrentStreams);
  if (idleTimeout || maxRequestsPerConnection || maxConnectionDuration) {
    const options = httpOptionsOf(draft);
    options.common_http_protocol_options ??= {};
    const common = options.common_http_protocol_options;
    if (idleTimeout) common.idle_timeout = idleTimeout;
    if (maxRequestsPerConnection) common.max_requests_per_connection = { value: maxRequestsPerConnection };
    if (maxConnectionDuration) common.max_connection_duration = maxConnectionDuration;
  }
  if (maxConcurrentStreams && isHttp2(draft)) {
    const h2 = draft.httpOptions?.explicit_http_config?.http2_protocol_options;
    if (h2) h2.max_concurrent_streams = { value: maxConcurrentStreams };
  }
  if (http?.useClientProtocol) setUseDownstreamProtocol(draft);

  const keepalive = tcp?.tcpKeepalive;
  if (keepalive) {
    const probes = positive(keepalive.probes);
    const time = durationSeconds(keepalive.time);
    const interval = durationSeconds(keepalive.interval);
    cluster.upstream_connection_options = {
      tcp_keepalive: {
        ...(probes ? { keepalive_probes: { value: probes } } : {}),
        ...(time ? { keepalive_time: { value: time } } : {}),
        ...(interval ? { keepalive_interval: { value: interval } } : {}),
      },
    };
  }
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? Math.min(Math.floor(n), UNLIMITED) : undefined;
}
