// The services a workload serves on one of its ports: those with an endpoint at the proxy's
// instance IP and that port. Istio takes an inbound port's protocol, and the inbound cluster's
// `istio.services` metadata, from them rather than from the pod port's name alone.
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServicePort } from '../../model/service.js';

export interface InboundService {
  readonly service: Service;
  readonly port: ServicePort;
}

/** Every service port whose endpoints include `proxy`'s instance IP at `workloadPort`, in registry order. */
export function inboundServicesFor(proxy: Proxy, push: PushContext, workloadPort: number): InboundService[] {
  if (proxy.ipAddresses.length === 0) return [];
  const ips = new Set(proxy.ipAddresses);
  const found: InboundService[] = [];
  for (const service of push.servicesFor(proxy)) {
    for (const port of service.ports) {
      if ((port.targetPort ?? port.port) !== workloadPort && port.port !== workloadPort) continue;
      const endpoints = push.endpoints(service.hostname, port.port, service.namespace);
      if (endpoints.some((e) => e.port === workloadPort && ips.has(e.address))) found.push({ service, port });
    }
  }
  return found;
}
