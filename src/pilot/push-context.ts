// The immutable per-push index: config and services together, with every lookup precomputed.
import { namespaceOfHost } from '../api/index.js';
import type { ConfigSnapshot } from '../galley/index.js';
import type { MeshConfig } from './model/mesh-config.js';
import type { Proxy } from './model/proxy.js';
import type { Gateway, PushContext } from './model/push-context.js';
import type { Service, ServiceRegistry } from './model/service.js';
import { createDestinationRuleIndex } from './push-context-destination-rules.js';
import { createServiceIndex, preferNamespace } from './push-context-services.js';
import { createSidecarIndex, selectServices, type SidecarScope } from './push-context-sidecar.js';
import { createVirtualServiceIndex } from './push-context-virtual-services.js';
import { MESH_GATEWAY } from './push-context-vs-resolve.js';
import { selectorMatches } from './registry/label-selector.js';

/** What a push context is built from. */
export interface PushContextInput {
  readonly version: string;
  readonly mesh: MeshConfig;
  readonly config: ConfigSnapshot;
  readonly registry: ServiceRegistry;
}

/**
 * Builds the push context of one config snapshot and the registry's services as they are now.
 * Indexes are built up front (services by host and visibility, Sidecars by namespace,
 * VirtualServices by gateway, DestinationRules by namespace and host); per-namespace and
 * per-Sidecar answers are computed on first use and kept, so that proxies of one namespace share
 * them. Endpoints are read live from the registry (see {@link PushContext.endpoints}).
 *
 * Sidecar resources scope only sidecars (`type: sidecar`, proxyless gRPC included); gateways see
 * every service and VirtualService exported to their namespace.
 */
export function createPushContext(input: PushContextInput): PushContext {
  const { version, mesh, config, registry } = input;
  const services = createServiceIndex(registry.services());
  const sidecars = createSidecarIndex(config, mesh.rootNamespace);
  const virtualServices = createVirtualServiceIndex(config);
  const destinationRules = createDestinationRuleIndex(config, mesh.rootNamespace);
  const gateways = config.of('Gateway').map((e) => e.resource);
  const scoped = new Map<string, readonly Service[]>();
  const gatewaysByProxy = new WeakMap<Proxy, readonly Gateway[]>();

  const scopeOf = (proxy: Proxy): SidecarScope | undefined => (proxy.type === 'sidecar' ? sidecars.scopeFor(proxy) : undefined);

  return Object.freeze({
    version,
    mesh,
    config,
    servicesFor(proxy: Proxy) {
      const visible = services.visibleTo(proxy.namespace);
      const scope = scopeOf(proxy);
      if (!scope) return visible.deduped;
      let list = scoped.get(scope.key);
      if (!list) scoped.set(scope.key, (list = Object.freeze(selectServices(scope, visible, proxy.namespace))));
      return list;
    },
    service: (hostname: string, namespace?: string) => services.service(hostname, namespace),
    endpoints: (hostname: string, port: number, namespace?: string) => registry.endpoints(hostname, port, namespace),
    virtualServicesFor(proxy: Proxy, gateway: string) {
      return virtualServices.forGateway(gateway, proxy.namespace, gateway === MESH_GATEWAY ? scopeOf(proxy) : undefined);
    },
    destinationRuleFor(proxy: Proxy, hostname: string) {
      const seen = services.visibleTo(proxy.namespace).byHost.get(hostname);
      const serviceNamespace = seen ? preferNamespace(seen, proxy.namespace).namespace : namespaceOfHost(hostname);
      return destinationRules.lookup(proxy, hostname, serviceNamespace);
    },
    gatewaysFor(proxy: Proxy) {
      let list = gatewaysByProxy.get(proxy);
      if (!list) {
        list = Object.freeze(gateways.filter((g) => selectorMatches(g.spec.selector, proxy.labels)));
        gatewaysByProxy.set(proxy, list);
      }
      return list;
    },
  });
}
