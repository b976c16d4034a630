// The proxies Pilot serves, as described by their xDS node: sidecars, gateways and proxyless gRPC.

/** `sidecar` for sidecars and proxyless gRPC clients, `router` for gateways (Istio's proxy types). */
export type ProxyType = 'sidecar' | 'router';

/** Which generator family builds the proxy's config: Envoy-style, or gRPC proxyless (`GENERATOR=grpc`). */
export type ProxyGenerator = 'envoy' | 'grpc';

/** A port the workload serves, from Istio's `POD_PORTS` node metadata. */
export interface WorkloadPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: string;
}

/** A connected proxy, parsed from its node id and metadata. */
export interface Proxy {
  /** The node id, `sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local`. */
  readonly id: string;
  readonly type: ProxyType;
  readonly generator: ProxyGenerator;
  readonly ipAddresses: readonly string[];
  /** The workload's name and namespace (`reviews-v1`, `default`). */
  readonly workloadName: string;
  readonly namespace: string;
  readonly serviceAccount?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** DNS domain for short names: `default.svc.cluster.local`. */
  readonly dnsDomain: string;
  /** Ports the workload serves (`POD_PORTS`). */
  readonly workloadPorts: readonly WorkloadPort[];
  /**
   * How its traffic reaches it (`INTERCEPTION_MODE`): `REDIRECT` under iptables capture, so inbound
   * traffic is forwarded to the pod IP from 127.0.0.6; `NONE` (explicit mode, and any node that
   * does not say) reaches the app on 127.0.0.1.
   */
  readonly interceptionMode: 'REDIRECT' | 'NONE';
  /** The raw node metadata, for anything not modelled. */
  readonly metadata: Readonly<Record<string, unknown>>;
}
