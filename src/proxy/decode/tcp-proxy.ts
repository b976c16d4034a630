// Envoy's TcpProxy network filter as the runtime TcpProxyConfig.
import type { TcpProxy__Output } from '../../xds/generated/envoy/extensions/filters/network/tcp_proxy/v3/TcpProxy.js';
import type { TcpProxyConfig } from '../config/listener.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs } from './duration.js';

/** Envoy's TCP proxy idle timeout when unset: 1 hour. */
export const DEFAULT_TCP_IDLE_TIMEOUT_MS = 3_600_000;

/** A TcpProxy: one cluster or weighted clusters (weights at least 1), idle timeout 1 h unless set (0 disables). */
export function decodeTcpProxy(m: TcpProxy__Output, errors: DecodeErrors, path: string): TcpProxyConfig | undefined {
  let clusters: { name: string; weight: number }[];
  if (m.cluster_specifier === 'cluster' && m.cluster) {
    clusters = [{ name: m.cluster, weight: 1 }];
  } else if (m.cluster_specifier === 'weighted_clusters' && m.weighted_clusters) {
    clusters = m.weighted_clusters.clusters.map((c) => ({ name: c.name, weight: c.weight }));
    m.weighted_clusters.clusters.forEach((c, i) => {
      if (!c.name) errors.add(`${path}.weighted_clusters.clusters[${i}].name`, 'cluster name missing');
      if (c.weight < 1) errors.add(`${path}.weighted_clusters.clusters[${i}].weight`, 'weight must be at least 1');
    });
    if (clusters.length === 0) errors.add(`${path}.weighted_clusters.clusters`, 'no clusters');
  } else {
    errors.add(path, 'no cluster_specifier set');
    return undefined;
  }
  return {
    statPrefix: m.stat_prefix,
    clusters,
    idleTimeoutMs: durationMs(m.idle_timeout, DEFAULT_TCP_IDLE_TIMEOUT_MS),
  };
}
