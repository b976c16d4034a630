// Istio's names for xDS resources, so that a config dump reads like an Istio one.

export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';
export const VIRTUAL_OUTBOUND_LISTENER = 'virtualOutbound';
export const VIRTUAL_INBOUND_LISTENER = 'virtualInbound';
/** SDS: the workload's own certificate, and the root bundle. */
export const SDS_DEFAULT = 'default';
export const SDS_ROOTCA = 'ROOTCA';

export type TrafficDirection = 'inbound' | 'outbound';

/** The parts of a service cluster name. */
export interface ClusterKey {
  readonly direction: TrafficDirection;
  readonly port: number;
  readonly subset: string;
  readonly host: string;
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local`. */
export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** `inbound|9080||`. */
export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}

/** Parses a service cluster name; undefined for other names (BlackHoleCluster, say). */
export function parseClusterName(name: string): ClusterKey | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction, port, subset, host] = parts as [string, string, string, string];
  if (direction !== 'inbound' && direction !== 'outbound') return undefined;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) return undefined;
  return { direction, port: n, subset, host };
}

/** The per-port outbound listener of a sidecar: `0.0.0.0_9080`. */
export function outboundListenerName(address: string, port: number): string {
  return `${address}_${port}`;
}
