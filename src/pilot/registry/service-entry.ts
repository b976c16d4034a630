// One ServiceEntry into Pilot's model: a Service per host, with its ports, resolution and visibility.
import { isWildcardHost, resolveHost, type Resource, type ServiceEntrySpec } from '../../api/index.js';
import type { Resolution, Service, ServicePort } from '../model/service.js';
import { normalizeExportTo } from './export-to.js';
import type { LabelSelector } from './label-selector.js';
import { serviceEntryPortProtocol } from './protocol.js';

/** One inline endpoint of a ServiceEntry, as written. */
export type ServiceEntryEndpoint = NonNullable<ServiceEntrySpec['endpoints']>[number];

/** A ServiceEntry in model terms, with everything that endpoints are built from. */
export interface ParsedServiceEntry {
  /** `ServiceEntry namespace/name`. */
  readonly origin: string;
  readonly namespace: string;
  /** Fully qualified hosts, each one Service. */
  readonly hosts: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly resolution: Resolution;
  readonly services: readonly Service[];
  /** Present when the entry selects its endpoints among workloads of its namespace. */
  readonly selector?: LabelSelector;
  readonly endpoints: readonly ServiceEntryEndpoint[];
}

/**
 * Reads a ServiceEntry by Istio's rules: hosts are resolved in its namespace (a host listed twice
 * counts once); resolution defaults to NONE (DYNAMIC_DNS is treated as DNS); `location` defaults
 * to MESH_EXTERNAL; `exportTo` defaults to every namespace, `.` means the entry's own and `~` none.
 */
export function parseServiceEntry(resource: Resource<'ServiceEntry'>): ParsedServiceEntry {
  const { namespace, name } = resource.metadata;
  const spec = resource.spec;
  const hosts = [...new Set(spec.hosts.map((h) => resolveHost(h, namespace)))].filter((h) => h !== '');
  const ports = Object.freeze(
    (spec.ports ?? []).map((p): ServicePort => {
      const port: ServicePort = { name: p.name, port: p.number, protocol: serviceEntryPortProtocol(p) };
      return Object.freeze(p.targetPort ? { ...port, targetPort: p.targetPort } : port);
    }),
  );
  const resolution = resolutionOf(spec.resolution);
  const base = {
    namespace,
    ports,
    addresses: Object.freeze([...(spec.addresses ?? [])]),
    resolution,
    meshExternal: spec.location !== 'MESH_INTERNAL',
    exportTo: normalizeExportTo(spec.exportTo, namespace),
    origin: Object.freeze({ kind: 'ServiceEntry', namespace, name }),
  };
  const services = Object.freeze(hosts.map((hostname) => Object.freeze({ hostname, ...base })));
  const selector = spec.workloadSelector ? (spec.workloadSelector.labels ?? {}) : undefined;
  return {
    origin: `ServiceEntry ${namespace}/${name}`,
    namespace,
    hosts,
    ports,
    resolution,
    services,
    ...(selector ? { selector } : {}),
    endpoints: spec.endpoints ?? [],
  };
}

function resolutionOf(resolution: ServiceEntrySpec['resolution']): Resolution {
  switch (resolution) {
    case 'STATIC':
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      return resolution;
    case 'DYNAMIC_DNS':
      return 'DNS';
    default:
      return 'NONE';
  }
}

/** True when a service of this entry gets its own host as its only endpoint (DNS, nothing else given). */
export function usesHostAsEndpoint(entry: ParsedServiceEntry, hostname: string): boolean {
  return (
    (entry.resolution === 'DNS' || entry.resolution === 'DNS_ROUND_ROBIN') &&
    entry.endpoints.length === 0 &&
    !entry.selector &&
    !isWildcardHost(hostname)
  );
}
