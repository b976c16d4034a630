// Inbound clusters of a sidecar: `inbound|port||`, one per port its workload serves.
//
// Under capture (INTERCEPTION_MODE REDIRECT) they are Istio's: ORIGINAL_DST, so the app is reached
// at the pod IP and port the client dialled, sent from 127.0.0.6 (::6) so the capture rules do not
// redirect the forward again. In explicit mode there is no original destination to read, and
// several sidecars share one host, so they send to the app on 127.0.0.1:port (Istio's pre-1.10
// form; loopback egress is never captured, so it cannot loop).
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { inboundClusterName } from '../../../xds/index.js';
import type { WorkloadPort } from '../../model/proxy.js';
import type { ClusterContext } from './cluster-context.js';
import { finishCluster, setHttp2, type ClusterDraft } from './cluster-draft.js';
import { inboundBindConfig } from './special-clusters.js';
import { structFromJson } from '../../../xds/struct.js';
import { inboundServicesFor } from '../shared/inbound-services.js';
import { serviceShortName } from './cluster-metadata.js';
import { buildCircuitBreakers } from './connection-pool.js';
import { isHttp2Protocol } from './upstream-protocol.js';

/** Where inbound clusters reach the app. */
export const INBOUND_APP_ADDRESS = '127.0.0.1';

/** One inbound cluster per distinct port in the proxy's `workloadPorts`, in port order. */
export function buildInboundClusters(ctx: ClusterContext): Cluster[] {
  const ports = new Map<number, WorkloadPort>();
  for (const p of ctx.proxy.workloadPorts) if (!ports.has(p.port)) ports.set(p.port, p);
  return [...ports.values()].sort((a, b) => a.port - b.port).map((p) => buildInboundCluster(ctx, p));
}

/**
 * `inbound|port||`: ORIGINAL_DST from 127.0.0.6 under capture, else STATIC to 127.0.0.1:port. HTTP/2 for gRPC and HTTP2 ports: by the protocol of
 * the service that targets the port, else by the port's protocol or Istio's port-name prefix. The
 * `istio.services` metadata names those services, for the server side's telemetry.
 */
export function buildInboundCluster(ctx: ClusterContext, port: WorkloadPort): Cluster {
  const name = inboundClusterName(port.port);
  const draft: ClusterDraft = {
    cluster: ctx.proxy.interceptionMode === 'REDIRECT'
      ? {
          name,
          type: 'ORIGINAL_DST',
          connect_timeout: ctx.connectTimeout,
          lb_policy: 'CLUSTER_PROVIDED',
          circuit_breakers: buildCircuitBreakers(undefined),
          upstream_bind_config: inboundBindConfig(ctx.proxy),
        }
      : {
          name,
          type: 'STATIC',
          connect_timeout: ctx.connectTimeout,
          lb_policy: 'ROUND_ROBIN',
          circuit_breakers: buildCircuitBreakers(undefined),
          load_assignment: {
            cluster_name: name,
            endpoints: [{
              locality: {},
              lb_endpoints: [{ endpoint: { address: { socket_address: { address: INBOUND_APP_ADDRESS, port_value: port.port } } } }],
              load_balancing_weight: { value: 1 },
            }],
          },
        },
  };
  const served = inboundServicesFor(ctx.proxy, ctx.push, port.port);
  if (served.length > 0) {
    draft.cluster.metadata = {
      filter_metadata: {
        istio: structFromJson({ services: served.map(({ service }) => ({ host: service.hostname, name: serviceShortName(service), namespace: service.namespace })) }),
      },
    };
  }
  const prefix = port.name?.split('-')[0];
  const protocol = served[0]?.port.protocol;
  if (protocol !== undefined ? isHttp2Protocol(protocol) : isHttp2Protocol(port.protocol) || isHttp2Protocol(prefix)) setHttp2(draft);
  return finishCluster(draft);
}
