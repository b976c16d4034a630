// Pilot's service model: services and their endpoints, whatever registry they come from.

/** Istio's port protocols (case as Istio writes them). */
export type ServiceProtocol =
  | 'HTTP' | 'HTTP2' | 'GRPC' | 'GRPC-WEB' | 'HTTPS' | 'TLS' | 'TCP' | 'MONGO' | 'REDIS' | 'MYSQL' | 'UDP' | 'UNKNOWN';

/** One port of a service. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: ServiceProtocol;
  /** Where endpoints listen when they give no port of their own; defaults to `port`. */
  readonly targetPort?: number;
}

/** How a service's endpoints are found, as in ServiceEntry. */
export type Resolution = 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN' | 'NONE';

/** A service: a host name with ports, in a namespace. */
export interface Service {
  /** The fully qualified host, such as `reviews.default.svc.cluster.local` or `api.example.com`. */
  readonly hostname: string;
  readonly namespace: string;
  readonly ports: readonly ServicePort[];
  /** Virtual IPs or CIDRs; empty when the service has none. */
  readonly addresses: readonly string[];
  readonly resolution: Resolution;
  /** True for services outside the mesh (ServiceEntry `location: MESH_EXTERNAL`). */
  readonly meshExternal: boolean;
  /** Namespaces that see the service: `*` for all, `.` resolved to the service's own. */
  readonly exportTo: readonly string[];
  /** Where the service was defined, for debugging. */
  readonly origin: { readonly kind: string; readonly namespace: string; readonly name: string };
}

/** One endpoint of a service port: an address to connect to, and what Pilot knows of the workload. */
export interface ServiceEndpoint {
  readonly hostname: string;
  /** The service port this endpoint serves. */
  readonly servicePort: number;
  /** IP address, DNS name (DNS resolution) or `unix://` path. */
  readonly address: string;
  /** The port to connect to on `address`. */
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly namespace: string;
  readonly serviceAccount?: string;
  /** `region/zone/subzone`. */
  readonly locality?: string;
  /** Load-balancing weight; 1 by default. */
  readonly weight: number;
  readonly network?: string;
  /** `istio` when the workload has a proxy that accepts Istio mTLS; `disabled` otherwise. */
  readonly tlsMode: 'istio' | 'disabled';
  readonly healthy: boolean;
  /** The workload this endpoint is, for debugging (`WorkloadEntry default/reviews-v1`). */
  readonly workload?: string;
}

/** What changed in a registry. */
export interface RegistryChange {
  /** True when services were added, removed or changed (not just their endpoints). */
  readonly services: boolean;
  /** Host names whose endpoints changed. */
  readonly endpointsOf: readonly string[];
}

/**
 * A source of services and endpoints: ServiceEntries and WorkloadEntries, workloads that register
 * when their proxy connects, and later Kubernetes. Generators see only this interface.
 */
export interface ServiceRegistry {
  /** Every service, sorted by host name then namespace. */
  services(): readonly Service[];
  /**
   * The endpoints of `hostname`'s service port `port`: those of the service in `namespace` when
   * given (several namespaces may define one host), else those of every service with that host.
   */
  endpoints(hostname: string, port: number, namespace?: string): readonly ServiceEndpoint[];
  /** Calls `listener` after every change; returns an unsubscribe function. */
  onChange(listener: (change: RegistryChange) => void): () => void;
}
