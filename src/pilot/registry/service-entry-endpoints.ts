// The endpoints of a ServiceEntry: inline endpoints, selected workloads, or the host itself for DNS.
import type { Resource } from '../../api/index.js';
import type { ServiceEndpoint, ServicePort } from '../model/service.js';
import { selectorMatches } from './label-selector.js';
import { usesHostAsEndpoint, type ParsedServiceEntry, type ServiceEntryEndpoint } from './service-entry.js';

/** The label that says whether a workload accepts Istio mTLS. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** One workload instance, as a ServiceEntry's ports are mapped onto it. */
export interface EndpointTarget {
  /** IP address, DNS name or `unix://` path. */
  readonly address: string;
  /** The instance's ports by service port name; a port not named here uses targetPort, else the service port. */
  readonly ports?: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly namespace: string;
  readonly serviceAccount?: string;
  readonly locality?: string;
  readonly weight?: number;
  readonly network?: string;
  readonly tlsMode: 'istio' | 'disabled';
  /** For debugging: `WorkloadEntry default/reviews-v1`. */
  readonly workload: string;
}

/** The TLS mode of a workload: its `security.istio.io/tlsMode` label when that says istio or disabled, else `fallback`. */
export function tlsModeOf(labels: Readonly<Record<string, string>>, fallback: 'istio' | 'disabled'): 'istio' | 'disabled' {
  const label = labels[TLS_MODE_LABEL];
  return label === 'istio' || label === 'disabled' ? label : fallback;
}

/** One endpoint per host and service port of `target`. */
export function endpointsOfTarget(
  hosts: readonly string[],
  ports: readonly ServicePort[],
  target: EndpointTarget,
): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  const weight = target.weight && target.weight > 0 ? target.weight : 1;
  for (const hostname of hosts) {
    for (const servicePort of ports) {
      const endpoint: Mutable<ServiceEndpoint> = {
        hostname,
        servicePort: servicePort.port,
        address: target.address,
        port: target.ports?.[servicePort.name] ?? servicePort.targetPort ?? servicePort.port,
        labels: target.labels,
        namespace: target.namespace,
        weight,
        tlsMode: target.tlsMode,
        healthy: true,
        workload: target.workload,
      };
      if (target.serviceAccount) endpoint.serviceAccount = target.serviceAccount;
      if (target.locality) endpoint.locality = target.locality;
      if (target.network) endpoint.network = target.network;
      out.push(Object.freeze(endpoint));
    }
  }
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An inline endpoint: `disabled` TLS unless labelled `security.istio.io/tlsMode: istio`. */
export function targetOfInlineEndpoint(entry: ParsedServiceEntry, endpoint: ServiceEntryEndpoint): EndpointTarget | undefined {
  if (!endpoint.address) return undefined;
  const labels = Object.freeze({ ...(endpoint.labels ?? {}) });
  return {
    address: endpoint.address,
    ...(endpoint.ports ? { ports: endpoint.ports } : {}),
    labels,
    namespace: entry.namespace,
    ...optional(endpoint),
    tlsMode: tlsModeOf(labels, 'disabled'),
    workload: entry.origin,
  };
}

/** A WorkloadEntry (it has a sidecar): `istio` TLS unless labelled `security.istio.io/tlsMode: disabled`. */
export function targetOfWorkloadEntry(entry: Resource<'WorkloadEntry'>): EndpointTarget | undefined {
  const spec = entry.spec;
  if (!spec.address) return undefined;
  const labels = Object.freeze({ ...(spec.labels ?? {}) });
  return {
    address: spec.address,
    ...(spec.ports ? { ports: spec.ports } : {}),
    labels,
    namespace: entry.metadata.namespace,
    ...optional(spec),
    tlsMode: tlsModeOf(labels, 'istio'),
    workload: `WorkloadEntry ${entry.metadata.namespace}/${entry.metadata.name}`,
  };
}

function optional(from: { serviceAccount?: string; locality?: string; weight?: number; network?: string }) {
  return {
    ...(from.serviceAccount ? { serviceAccount: from.serviceAccount } : {}),
    ...(from.locality ? { locality: from.locality } : {}),
    ...(from.weight ? { weight: from.weight } : {}),
    ...(from.network ? { network: from.network } : {}),
  };
}

/**
 * Every endpoint of a ServiceEntry: its inline endpoints; else the WorkloadEntries of its namespace
 * that its selector matches (`workloadEntries` are those of its namespace); else, for DNS
 * resolution, each host itself on the service port's targetPort (or the port).
 */
export function buildServiceEntryEndpoints(
  entry: ParsedServiceEntry,
  workloadEntries: readonly Resource<'WorkloadEntry'>[],
): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  if (entry.selector) {
    for (const we of workloadEntries) {
      if (!selectorMatches(entry.selector, we.spec.labels ?? {})) continue;
      const target = targetOfWorkloadEntry(we);
      if (target) out.push(...endpointsOfTarget(entry.hosts, entry.ports, target));
    }
    return out;
  }
  for (const endpoint of entry.endpoints) {
    const target = targetOfInlineEndpoint(entry, endpoint);
    if (target) out.push(...endpointsOfTarget(entry.hosts, entry.ports, target));
  }
  for (const hostname of entry.hosts) {
    if (!usesHostAsEndpoint(entry, hostname)) continue;
    const target: EndpointTarget = { address: hostname, labels: {}, namespace: entry.namespace, tlsMode: 'disabled', workload: entry.origin };
    out.push(...endpointsOfTarget([hostname], entry.ports, target));
  }
  return out;
}
