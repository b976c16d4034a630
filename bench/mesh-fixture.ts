// Synthetic meshes for the control-plane benchmarks: N services, each with a ServiceEntry of ten
// endpoints (five v1, five v2), a DestinationRule with two subsets and a 90/10 VirtualService.
import { createSnapshot, parseConfigText, type ConfigEntry, type ConfigSnapshot } from '../src/galley/index.js';

/** The YAML of one service's config; `maxRequests` is its DestinationRule's http2MaxRequests. */
export function serviceYaml(i: number, weightV1 = 90, maxRequests = 1000): string {
  const host = `svc-${i}.default.svc.cluster.local`;
  const endpoints = Array.from({ length: 10 }, (_, e) => {
    const version = e < 5 ? 'v1' : 'v2';
    return `  - {address: 10.${(i >> 8) & 255}.${i & 255}.${e + 1}, labels: {app: svc-${i}, version: ${version}}}`;
  }).join('\n');
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: svc-${i}}
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 8080, name: http, protocol: HTTP}]
  endpoints:
${endpoints}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: svc-${i}}
spec:
  host: ${host}
  trafficPolicy:
    connectionPool: {http: {http2MaxRequests: ${maxRequests}}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: svc-${i}}
spec:
  hosts: [${host}]
  http:
  - timeout: 5s
    route:
    - destination: {host: ${host}, subset: v1}
      weight: ${weightV1}
    - destination: {host: ${host}, subset: v2}
      weight: ${100 - weightV1}
`;
}

function serviceEntries(i: number, weightV1?: number, maxRequests?: number): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const r of parseConfigText(serviceYaml(i, weightV1, maxRequests), `svc-${i}.yaml`).results) {
    if (r.status !== 'valid') throw new Error(`fixture svc-${i} is invalid: ${JSON.stringify(r)}`);
    entries.push({ resource: r.resource, location: r.location });
  }
  return entries;
}

/** Parses and validates the config of `services` services into a snapshot, as Galley would. */
export function meshSnapshot(services: number, version = 1): ConfigSnapshot {
  const entries: ConfigEntry[] = [];
  for (let i = 0; i < services; i++) entries.push(...serviceEntries(i));
  return createSnapshot(version, entries);
}

/**
 * The snapshot Galley publishes after one service's file changes: svc-`i`'s VirtualService and
 * DestinationRule are new (weights and http2MaxRequests set from `round`), every other resource
 * is the same object as in `base`.
 */
export function changedSnapshot(base: ConfigSnapshot, i: number, round: number): ConfigSnapshot {
  const weightV1 = round % 2 === 0 ? 50 : 90;
  const fresh = serviceEntries(i, weightV1, 1000 + round).filter((e) => e.resource.kind !== 'ServiceEntry');
  return createSnapshot(base.version + 1, [...base.all(), ...fresh]);
}

/**
 * A copy of `snapshot` in which every resource is a new object, as after a restart: nothing
 * cached for the old objects applies to it. (Copying is cheaper than parsing the YAML again.)
 */
export function freshCopy(snapshot: ConfigSnapshot): ConfigSnapshot {
  return createSnapshot(snapshot.version, snapshot.all().map((e) => ({ resource: structuredClone(e.resource), ...(e.location ? { location: e.location } : {}) })));
}
