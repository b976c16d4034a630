// An immutable set of services and endpoints, indexed by host and port: what each registry serves.
import type { Service, ServiceEndpoint, ServicePort } from '../model/service.js';

/** Services sorted by host then namespace, and endpoints by host and service port. */
export interface RegistryView {
  /** Every service, sorted by host name then namespace; one per host and namespace. */
  services(): readonly Service[];
  /** Host names that have at least one endpoint. */
  readonly endpointHosts: ReadonlySet<string>;
  /** Every endpoint of `hostname`, all ports, in registry order. */
  endpointsOfHost(hostname: string): readonly ServiceEndpoint[];
  /** The endpoints of `hostname`'s service port `port`; only those of `namespace`'s service when given. */
  endpoints(hostname: string, port: number, namespace?: string): readonly ServiceEndpoint[];
}

/** The endpoints of one host, all of them and by service port. */
export interface HostEndpoints {
  readonly all: readonly ServiceEndpoint[];
  readonly byPort: ReadonlyMap<number, readonly ServiceEndpoint[]>;
}

const NONE: readonly ServiceEndpoint[] = Object.freeze([]);

/**
 * Indexes `services` and the endpoint groups of each host (several groups of one host are joined
 * in order; a lone group is used as it is, so unchanged groups keep their identity). Services with
 * the same host and namespace merge into the first, which gains the ports only later ones have.
 */
export function createRegistryView(
  services: Iterable<Service>,
  groups: ReadonlyMap<string, readonly HostEndpoints[]>,
): RegistryView {
  const byKey = new Map<string, Service>();
  for (const service of services) {
    const key = `${service.hostname}\n${service.namespace}`;
    const existing = byKey.get(key);
    byKey.set(key, existing ? mergeServicePorts(existing, service) : service);
  }
  const sorted = Object.freeze([...byKey.values()].sort(compareServices));
  const byHost = new Map<string, HostEndpoints>();
  for (const [host, list] of groups) {
    const joined = list.length === 1 ? list[0] : groupEndpoints(list.flatMap((g) => g.all)).get(host);
    if (joined && joined.all.length > 0) byHost.set(host, joined);
  }
  return Object.freeze({
    services: () => sorted,
    endpointHosts: new Set(byHost.keys()),
    endpointsOfHost: (hostname: string) => byHost.get(hostname)?.all ?? NONE,
    endpoints(hostname: string, port: number, namespace?: string) {
      const list = byHost.get(hostname)?.byPort.get(port) ?? NONE;
      return namespace === undefined ? list : filterNamespace(list, namespace);
    },
  });
}

/** Groups endpoints by host, and within a host by service port, keeping their order. */
export function groupEndpoints(endpoints: Iterable<ServiceEndpoint>): Map<string, HostEndpoints> {
  const out = new Map<string, { all: ServiceEndpoint[]; byPort: Map<number, ServiceEndpoint[]> }>();
  for (const endpoint of endpoints) {
    let group = out.get(endpoint.hostname);
    if (!group) out.set(endpoint.hostname, (group = { all: [], byPort: new Map() }));
    group.all.push(endpoint);
    const list = group.byPort.get(endpoint.servicePort);
    if (list) list.push(endpoint);
    else group.byPort.set(endpoint.servicePort, [endpoint]);
  }
  for (const group of out.values()) {
    Object.freeze(group.all);
    for (const list of group.byPort.values()) Object.freeze(list);
  }
  return out;
}

/** Orders services by host name, then namespace. */
export function compareServices(a: Service, b: Service): number {
  if (a.hostname !== b.hostname) return a.hostname < b.hostname ? -1 : 1;
  return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}

/** `first`, with the ports of `other` whose numbers it does not have, sorted by port number. */
export function mergeServicePorts(first: Service, other: Service): Service {
  const numbers = new Set(first.ports.map((p) => p.port));
  const extra = other.ports.filter((p) => !numbers.has(p.port));
  if (extra.length === 0) return first;
  const ports: ServicePort[] = [...first.ports, ...extra].sort((a, b) => a.port - b.port);
  return Object.freeze({ ...first, ports: Object.freeze(ports) });
}

/** The endpoints of `list` whose namespace is `namespace`; the list itself when all are. */
export function filterNamespace(list: readonly ServiceEndpoint[], namespace: string): readonly ServiceEndpoint[] {
  return list.every((e) => e.namespace === namespace) ? list : list.filter((e) => e.namespace === namespace);
}
