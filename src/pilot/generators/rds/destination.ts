// Where a route destination points: its fully qualified host, service, port and cluster name.
import { hostAliases, resolveHost } from '../../../api/index.js';
import { outboundClusterName } from '../../../xds/index.js';
import type { Service } from '../../model/service.js';
import type { PushContext } from '../../model/push-context.js';
import type { Destination } from './virtual-service-view.js';

export interface ResolvedDestination {
  /** The fully qualified host (`reviews.default.svc.cluster.local`). */
  readonly host: string;
  readonly port: number;
  readonly subset: string;
  /** `outbound|port|subset|host`. */
  readonly cluster: string;
  /** The service the host names, when the registry has it. */
  readonly service?: Service;
}

/**
 * The service a host written in `namespace` names: short names resolve in that namespace, and
 * `name.ns` may be a Kubernetes service. The service in `namespace` is preferred.
 */
export function findService(push: PushContext, host: string, namespace: string): Service | undefined {
  for (const alias of hostAliases(host, namespace)) {
    const service = push.service(alias, namespace);
    if (service) return service;
  }
  return undefined;
}

/**
 * Resolves a destination written in a VirtualService of `namespace`. The port is the
 * destination's own, else the service's only port, else `listenerPort` (Istio's
 * GetDestinationCluster). An unknown host still gets a cluster name: traffic to it fails at run
 * time (503 NC), as in Istio.
 */
export function resolveDestination(dest: Destination, namespace: string, push: PushContext, listenerPort: number): ResolvedDestination {
  const service = findService(push, dest.host, namespace);
  const host = service?.hostname ?? resolveHost(dest.host, namespace);
  const own = dest.port?.number;
  const port = own !== undefined && own > 0 ? own : service?.ports.length === 1 ? service.ports[0]!.port : listenerPort;
  const subset = dest.subset ?? '';
  return { host, port, subset, cluster: outboundClusterName(port, subset, host), ...(service ? { service } : {}) };
}
