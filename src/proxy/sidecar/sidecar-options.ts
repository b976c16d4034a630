// What a sidecar process is told at start: who its workload is, where the control plane is, and
// which ports it serves. The CLI parses flags into this; defaults are Istio's ports.
import type { Logger } from '../../log/index.js';
import type { AppMetricsTarget } from '../admin/app-metrics.js';
import type { DrainScope } from '../listener/listener-manager.js';
import type { OriginalDestinationReader } from '../listener/original-destination.js';
import type { WorkloadIdentity } from '../telemetry/workload-identity.js';
import type { SecretProvider } from '../tls/secret-provider.js';
import { createXdsClient, type XdsClient } from '../xds-client/xds-client.js';

export interface AppPort {
  readonly name: string;
  readonly port: number;
  readonly protocol?: string;
}

export interface SidecarOptions {
  readonly identity: WorkloadIdentity & { readonly ip: string };
  /** `sidecar` beside a workload, `router` for an ingress or egress gateway. */
  readonly proxyType: 'sidecar' | 'router';
  /** The control plane's xDS address, `host:port`. */
  readonly xdsAddress: string;
  readonly appPorts: readonly AppPort[];
  /**
   * `explicit`: no iptables; listeners bind the instance IP, the outbound port is an HTTP proxy and
   * inbound app ports are bound directly. `capture`: iptables redirects to 15001 and 15006.
   */
  readonly mode: 'explicit' | 'capture';
  /**
   * Capture mode: reads a redirected socket's original destination (SO_ORIGINAL_DST). The CLI
   * supplies interception's reader; without one the socket's local address stands in.
   */
  readonly originalDestination?: OriginalDestinationReader;
  readonly outboundPort: number;
  readonly inboundPort: number;
  readonly adminPort: number;
  readonly statsPort: number;
  /** Istio's agent port (15020): merged metrics, `/healthz/ready`, `/quitquitquit`, `/drain`; off when undefined. */
  readonly agentPort?: number;
  /** The health port (15021): `/healthz/ready` for readiness probes; off when undefined. */
  readonly healthPort?: number;
  /** Where the app serves its own Prometheus metrics, merged into the agent port's (`--app-metrics`); none when undefined. */
  readonly appMetrics?: AppMetricsTarget;
  /** Use Delta xDS instead of State of the World. */
  readonly deltaXds: boolean;
  /** JSON access log lines on stdout. */
  readonly accessLog: boolean;
  /** Extra node metadata (Istio's proxy metadata). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** How long in-flight work may take to finish on SIGTERM. */
  readonly drainTimeoutMs: number;
  /** Where TLS contexts get their certificates by SDS name (the agent); none by default, so TLS chains and clusters stay unavailable. */
  readonly secrets?: SecretProvider;
}

export const SIDECAR_DEFAULTS = {
  outboundPort: 15001,
  inboundPort: 15006,
  adminPort: 15000,
  statsPort: 15090,
  agentPort: 15020,
  healthPort: 15021,
  drainTimeoutMs: 5000,
} as const;

/** The ports a started sidecar serves; `agent` and `health` only when they are on. */
export interface SidecarPorts {
  readonly admin: number;
  readonly stats: number;
  readonly agent?: number;
  readonly health?: number;
}

/**
 * The drain on SIGTERM, as Istio's agent does it: a sidecar stops accepting on its inbound
 * listeners only, so the app's last outbound calls still go out while it shuts down (a gateway
 * stops them all), and the proxy waits for every open connection, up to the drain timeout.
 */
export function terminationDrain(options: Pick<SidecarOptions, 'proxyType'>): DrainScope {
  return { inboundOnly: options.proxyType === 'sidecar', settleAll: true };
}

/** Istio's node id: `sidecar~10.0.0.7~reviews-v1.default~default.svc.cluster.local`. */
export function nodeId(options: SidecarOptions): string {
  const { identity } = options;
  return `${options.proxyType}~${identity.ip}~${identity.name}.${identity.namespace}~${identity.namespace}.svc.cluster.local`;
}

/** The node metadata Pilot reads (src/pilot/model/parse-proxy.ts names the fields Istio uses). */
export function nodeMetadata(options: SidecarOptions): Record<string, unknown> {
  const { identity } = options;
  return {
    NAMESPACE: identity.namespace,
    LABELS: identity.labels,
    SERVICE_ACCOUNT: identity.serviceAccount,
    WORKLOAD_NAME: identity.name,
    INSTANCE_IPS: identity.ip,
    CLUSTER_ID: identity.cluster,
    MESH_ID: identity.trustDomain,
    POD_PORTS: JSON.stringify(options.appPorts.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' }))),
    // Under capture Pilot sends inbound clusters that forward to the pod IP from 127.0.0.6.
    INTERCEPTION_MODE: options.mode === 'capture' ? 'REDIRECT' : 'NONE',
    // Heddle's own key: where `heddle proxy-config secrets` finds this proxy's admin (loopback only).
    HEDDLE_ADMIN_PORT: String(options.adminPort),
    ...(options.metadata ?? {}),
  };
}

/** The sidecar's ADS stream to the control plane, with Istio's node id and metadata. */
export function createSidecarXdsClient(options: SidecarOptions, log: Logger): XdsClient {
  return createXdsClient({
    server: options.xdsAddress,
    node: { id: nodeId(options), cluster: options.identity.cluster, metadata: nodeMetadata(options) },
    delta: options.deltaXds,
    logger: log.child({ component: 'xds' }),
  });
}
