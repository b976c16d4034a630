// Runtime endpoints: a ClusterLoadAssignment decoded, grouped by locality and priority.

export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED' | 'UNKNOWN';

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface EndpointConfig {
  /** IP address or host name. */
  readonly address: string;
  readonly port: number;
  /** Load-balancing weight, at least 1. */
  readonly weight: number;
  readonly healthStatus: HealthStatus;
  /** Istio's endpoint metadata: `tlsMode` from envoy.transport_socket_match, `workload` from istio. */
  readonly tlsMode?: string;
  readonly workload?: string;
}

export interface LocalityEndpoints {
  readonly locality: Locality;
  readonly weight: number;
  readonly priority: number;
  readonly endpoints: readonly EndpointConfig[];
}

export interface LoadAssignment {
  readonly clusterName: string;
  readonly localities: readonly LocalityEndpoints[];
}
