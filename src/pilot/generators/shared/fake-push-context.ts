// A small in-memory PushContext and Proxy for generator unit tests: services, endpoints and
// DestinationRules given directly, with the lookups the generators use.
import type { DestinationRuleSpec } from '../../../api/index.js';
import { createSnapshot } from '../../../galley/index.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../model/mesh-config.js';
import type { DestinationRule, PushContext } from '../../model/push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { Service, ServiceEndpoint, ServicePort } from '../../model/service.js';

/** The data a fake push context serves. */
export interface FakePushOptions {
  readonly services?: readonly Service[];
  readonly endpoints?: readonly ServiceEndpoint[];
  readonly destinationRules?: readonly DestinationRule[];
  readonly mesh?: Partial<MeshConfig>;
}

/**
 * A PushContext over the given data. Every service is visible to every proxy; the
 * DestinationRule for a host is the first whose `spec.host` equals it, or whose wildcard
 * (`*.example.com`) covers it.
 */
export function createFakePushContext(options: FakePushOptions = {}): PushContext {
  const services = [...(options.services ?? [])].sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  const endpoints = options.endpoints ?? [];
  const rules = options.destinationRules ?? [];
  const findRule = (host: string) =>
    rules.find((r) => r.spec.host === host) ?? rules.find((r) => r.spec.host.startsWith('*') && host.endsWith(r.spec.host.slice(1)));
  return {
    version: 'test-1',
    mesh: { ...DEFAULT_MESH_CONFIG, ...options.mesh },
    config: createSnapshot(1, []),
    servicesFor: () => services,
    service: (hostname, namespace) =>
      services.find((s) => s.hostname === hostname && (namespace === undefined || s.namespace === namespace)) ??
      services.find((s) => s.hostname === hostname),
    endpoints: (hostname, port) => endpoints.filter((e) => e.hostname === hostname && e.servicePort === port),
    virtualServicesFor: () => [],
    destinationRuleFor: (_proxy, hostname) => findRule(hostname),
    gatewaysFor: () => [],
  };
}

/** A service with sensible defaults: STATIC resolution, in the mesh, in `default`. */
export function fakeService(hostname: string, ports: readonly ServicePort[], overrides: Partial<Service> = {}): Service {
  return {
    hostname,
    namespace: 'default',
    ports,
    addresses: [],
    resolution: 'STATIC',
    meshExternal: false,
    exportTo: ['*'],
    origin: { kind: 'ServiceEntry', namespace: 'default', name: hostname.split('.')[0] ?? hostname },
    ...overrides,
  };
}

/** An endpoint of `hostname`'s `servicePort`: healthy, weight 1, with a sidecar (`tlsMode: istio`). */
export function fakeEndpoint(hostname: string, servicePort: number, address: string, overrides: Partial<ServiceEndpoint> = {}): ServiceEndpoint {
  return {
    hostname,
    servicePort,
    address,
    port: servicePort,
    labels: {},
    namespace: 'default',
    weight: 1,
    tlsMode: 'istio',
    healthy: true,
    ...overrides,
  };
}

/** A DestinationRule resource in `namespace` (default `default`). */
export function fakeDestinationRule(name: string, spec: DestinationRuleSpec, namespace = 'default'): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace, labels: {}, annotations: {} },
    spec,
  };
}

/** A proxy: a sidecar in `default` at 10.0.0.1 unless overridden. */
export function fakeProxy(overrides: Partial<Proxy> = {}): Proxy {
  return {
    id: 'sidecar~10.0.0.1~client.default~default.svc.cluster.local',
    type: 'sidecar',
    generator: 'envoy',
    ipAddresses: ['10.0.0.1'],
    workloadName: 'client',
    namespace: 'default',
    labels: {},
    dnsDomain: 'default.svc.cluster.local',
    workloadPorts: [],
    interceptionMode: 'NONE',
    metadata: {},
    ...overrides,
  };
}
