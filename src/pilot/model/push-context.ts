// The immutable index that one push is generated from: config, services and endpoints together.
import type { Resource } from '../../api/index.js';
import type { ConfigSnapshot } from '../../galley/index.js';
import type { MeshConfig } from './mesh-config.js';
import type { Proxy } from './proxy.js';
import type { Service, ServiceEndpoint } from './service.js';

/** A resource with the namespace precedence already applied. */
export type VirtualService = Resource<'VirtualService'>;
export type DestinationRule = Resource<'DestinationRule'>;
export type Gateway = Resource<'Gateway'>;

/**
 * Everything the generators read for one push. It never changes once built; a change to config or
 * the registry builds a new one. Lookups are by fully qualified host.
 */
export interface PushContext {
  /** Identifies the push; becomes the xDS version of what it generates. */
  readonly version: string;
  readonly mesh: MeshConfig;
  readonly config: ConfigSnapshot;
  /** Services visible to `proxy` (exportTo, and the Sidecar resource's egress hosts), sorted by host. */
  servicesFor(proxy: Proxy): readonly Service[];
  /** The service with this host, if any (the one in `namespace` first, when given). */
  service(hostname: string, namespace?: string): Service | undefined;
  /**
   * Endpoints of a service port (of the service in `namespace` when given). They are read from
   * the registry when asked; the ADS server builds a new push context for every push, so what
   * generators build from them may be shared within one push.
   */
  endpoints(hostname: string, port: number, namespace?: string): readonly ServiceEndpoint[];
  /**
   * VirtualServices that apply to `gateway` (`mesh`, or `namespace/name` of a Gateway) and are
   * visible to `proxy`, in Istio's order (oldest first, then by namespace/name). Delegates are
   * already merged into their parents.
   */
  virtualServicesFor(proxy: Proxy, gateway: string): readonly VirtualService[];
  /**
   * The DestinationRule that applies to `hostname` for `proxy`: the proxy's namespace first, then
   * the service's namespace, then the root namespace; exact host before wildcard. Undefined when none.
   */
  destinationRuleFor(proxy: Proxy, hostname: string): DestinationRule | undefined;
  /** Gateways whose selector matches the proxy's labels. */
  gatewaysFor(proxy: Proxy): readonly Gateway[];
}
