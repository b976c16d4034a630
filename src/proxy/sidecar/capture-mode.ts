// Capture mode (iptables redirect) in the sidecar: where the capture listeners bind, and inbound
// clusters that forward to the original destination (the pod IP) from 127.0.0.6 or ::6.
import { isIPv6 } from 'node:net';
import type { ClusterConfig } from '../config/cluster.js';

/** Istio's source addresses for inbound forwards, which the capture rules let pass. */
export const CAPTURE_INBOUND_SOURCE = { ipv4: '127.0.0.6', ipv6: '::6' } as const;

/** 127.0.0.6 for an IPv4 instance IP, ::6 for an IPv6 one. */
export function captureInboundSource(instanceIp: string): string {
  return isIPv6(instanceIp) ? CAPTURE_INBOUND_SOURCE.ipv6 : CAPTURE_INBOUND_SOURCE.ipv4;
}

/**
 * The address a capture listener binds: its configured address, except that `0.0.0.0` becomes
 * `::` (dual stack, so one socket serves both families) for an IPv6 instance IP.
 */
export function captureBindAddress(listenerAddress: string, instanceIp: string): string {
  return listenerAddress === '0.0.0.0' && isIPv6(instanceIp) ? '::' : listenerAddress;
}

/**
 * Capture mode's inbound clusters: each `inbound|port||` cluster becomes ORIGINAL_DST bound to
 * `source`, so the app is reached at the address the client dialled (the pod IP and port, as
 * Istio does) and the forward, sent from 127.0.0.6 / ::6, is not captured again. Other clusters
 * pass unchanged; a cluster that already has a bind address keeps it.
 */
export function captureInboundClusters(clusters: ReadonlyMap<string, ClusterConfig>, source: string): ReadonlyMap<string, ClusterConfig> {
  const out = new Map<string, ClusterConfig>();
  for (const [name, cluster] of clusters) {
    if (!name.startsWith('inbound|') || cluster.type === 'ORIGINAL_DST') {
      out.set(name, cluster);
      continue;
    }
    const { loadAssignment: _endpoints, edsServiceName: _eds, ...rest } = cluster;
    out.set(name, { ...rest, type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED', upstreamBindAddress: cluster.upstreamBindAddress ?? source });
  }
  return out;
}
