// A workload that registered itself when its proxy connected, and the implicit service it joins.
import { CLUSTER_DOMAIN } from '../../api/index.js';
import type { Proxy, WorkloadPort } from '../model/proxy.js';
import type { Service, ServiceEndpoint, ServicePort } from '../model/service.js';
import type { EndpointTarget } from './service-entry-endpoints.js';
import { tlsModeOf } from './service-entry-endpoints.js';
import { workloadPortProtocol } from './protocol.js';

/** A registered workload, as far as the registry uses it. */
export interface Workload {
  /** The proxy's node id. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** The first of the proxy's IPs; undefined when it gave none (it then serves no endpoint). */
  readonly address?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  readonly network?: string;
  readonly ports: readonly WorkloadPort[];
  readonly tlsMode: 'istio' | 'disabled';
  /** `<app>.<namespace>.svc.cluster.local` when the workload defines or joins an implicit service. */
  readonly implicitHost?: string;
}

/** The labels that name a workload's implicit service, in order of preference. */
export const SERVICE_NAME_LABELS: readonly string[] = ['app', 'service.istio.io/canonical-name'];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The workload of a connected proxy. Its TLS mode is its `security.istio.io/tlsMode` label, else
 * `istio` for a proxy that terminates mTLS, else `disabled` for a proxyless gRPC client (whose app
 * serves plaintext unless it is set up otherwise). It has an implicit host when it has an IP, ports
 * and an `app` (or canonical-name) label that is a DNS label.
 */
export function workloadOf(proxy: Proxy): Workload {
  const address = proxy.ipAddresses[0];
  const network = proxy.metadata['NETWORK'];
  const app = SERVICE_NAME_LABELS.map((l) => proxy.labels[l]).find((v) => v !== undefined && v !== '')?.toLowerCase();
  const implicitHost =
    address && app && DNS_LABEL.test(app) && proxy.workloadPorts.length > 0
      ? `${app}.${proxy.namespace}.svc.${CLUSTER_DOMAIN}`
      : undefined;
  return Object.freeze({
    id: proxy.id,
    name: proxy.workloadName,
    namespace: proxy.namespace,
    ...(address ? { address } : {}),
    labels: Object.freeze({ ...proxy.labels }),
    ...(proxy.serviceAccount ? { serviceAccount: proxy.serviceAccount } : {}),
    ...(typeof network === 'string' && network !== '' ? { network } : {}),
    ports: proxy.workloadPorts,
    tlsMode: tlsModeOf(proxy.labels, proxy.generator === 'grpc' ? 'disabled' : 'istio'),
    ...(implicitHost ? { implicitHost } : {}),
  });
}

/** The workload as a ServiceEntry sees it: its ports by name, so a named port maps to the workload's own. */
export function targetOfWorkload(workload: Workload & { address: string }): EndpointTarget {
  const ports: Record<string, number> = {};
  for (const p of workload.ports) if (p.name && ports[p.name] === undefined) ports[p.name] = p.port;
  return {
    address: workload.address,
    ports,
    labels: workload.labels,
    namespace: workload.namespace,
    ...(workload.serviceAccount ? { serviceAccount: workload.serviceAccount } : {}),
    ...(workload.network ? { network: workload.network } : {}),
    tlsMode: workload.tlsMode,
    workload: `Proxy ${workload.id}`,
  };
}

/**
 * The implicit service of `hostname` that `members` (workloads of one namespace) define: their
 * ports, by number (the first member to declare a number names it), with the protocol Istio
 * selects from the port's name and protocol.
 */
export function implicitService(hostname: string, namespace: string, members: Iterable<Workload>): Service {
  const ports = new Map<number, ServicePort>();
  for (const member of members) {
    for (const p of member.ports) {
      if (ports.has(p.port)) continue;
      ports.set(p.port, Object.freeze({ name: p.name ?? `port-${p.port}`, port: p.port, protocol: workloadPortProtocol(p) }));
    }
  }
  return Object.freeze({
    hostname,
    namespace,
    ports: Object.freeze([...ports.values()].sort((a, b) => a.port - b.port)),
    addresses: Object.freeze([]),
    resolution: 'STATIC',
    meshExternal: false,
    exportTo: Object.freeze(['*']),
    origin: Object.freeze({ kind: 'Workload', namespace, name: hostname.split('.')[0] ?? hostname }),
  });
}

/** The workload's endpoints for its implicit service: one per port it serves, on that same port. */
export function implicitEndpoints(workload: Workload & { address: string }, hostname: string): ServiceEndpoint[] {
  const target = targetOfWorkload(workload);
  const seen = new Set<number>();
  const ports = workload.ports.filter((p) => !seen.has(p.port) && seen.add(p.port));
  return ports.map((p) =>
    Object.freeze({
      hostname,
      servicePort: p.port,
      address: workload.address,
      port: p.port,
      labels: workload.labels,
      namespace: workload.namespace,
      ...(target.serviceAccount ? { serviceAccount: target.serviceAccount } : {}),
      weight: 1,
      ...(target.network ? { network: target.network } : {}),
      tlsMode: workload.tlsMode,
      healthy: true,
      workload: target.workload,
    }),
  );
}
