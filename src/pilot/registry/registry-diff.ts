// What changed between two registry views: the services themselves, or only the endpoints of some hosts.
import type { RegistryChange, Service, ServiceEndpoint } from '../model/service.js';
import type { RegistryView } from './registry-view.js';

/**
 * Compares two views. `services` is true when a service was added, removed or changed in any
 * field (ports, resolution, visibility, ...); `endpointsOf` lists, sorted, every host whose
 * endpoints differ in any way (added, removed, reordered or changed). An endpoint-only change
 * leaves `services` false.
 */
export function diffRegistryViews(before: RegistryView, after: RegistryView): RegistryChange {
  const endpointsOf: string[] = [];
  const hosts = new Set([...before.endpointHosts, ...after.endpointHosts]);
  for (const host of hosts) {
    if (!sameList(before.endpointsOfHost(host), after.endpointsOfHost(host), endpointEquals)) endpointsOf.push(host);
  }
  return { services: !sameList(before.services(), after.services(), serviceEquals), endpointsOf: endpointsOf.sort() };
}

/** True when two lists hold equal items in the same order. */
export function sameList<T>(a: readonly T[], b: readonly T[], equals: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equals(a[i] as T, b[i] as T)) return false;
  return true;
}

/** Field-by-field equality of two services. */
export function serviceEquals(a: Service, b: Service): boolean {
  if (a === b) return true;
  return (
    a.hostname === b.hostname &&
    a.namespace === b.namespace &&
    a.resolution === b.resolution &&
    a.meshExternal === b.meshExternal &&
    sameList(a.addresses, b.addresses, strictEquals) &&
    sameList(a.exportTo, b.exportTo, strictEquals) &&
    sameList(a.ports, b.ports, (x, y) => x.name === y.name && x.port === y.port && x.protocol === y.protocol && x.targetPort === y.targetPort) &&
    a.origin.kind === b.origin.kind &&
    a.origin.namespace === b.origin.namespace &&
    a.origin.name === b.origin.name
  );
}

/** Field-by-field equality of two endpoints. */
export function endpointEquals(a: ServiceEndpoint, b: ServiceEndpoint): boolean {
  if (a === b) return true;
  return (
    a.hostname === b.hostname &&
    a.servicePort === b.servicePort &&
    a.address === b.address &&
    a.port === b.port &&
    a.namespace === b.namespace &&
    a.serviceAccount === b.serviceAccount &&
    a.locality === b.locality &&
    a.weight === b.weight &&
    a.network === b.network &&
    a.tlsMode === b.tlsMode &&
    a.healthy === b.healthy &&
    a.workload === b.workload &&
    sameLabels(a.labels, b.labels)
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => a[k] === b[k]);
}

function strictEquals<T>(a: T, b: T): boolean {
  return a === b;
}
