// Test fixtures for the RDS and LDS generators: Istio resources, and a real push context built
// over them and a fixed set of services.
import type { DestinationRuleSpec, GatewaySpec, Resource, VirtualServiceSpec, AnyResource } from '../../../api/index.js';
import { createSnapshot, entriesOf } from '../../../galley/index.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../model/mesh-config.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServicePort } from '../../model/service.js';
import { createPushContext } from '../../push-context.js';
import { fakeProxy, fakeService } from '../shared/fake-push-context.js';
import type { Proxy } from '../../model/proxy.js';
import type { XdsResource } from '../generator.js';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import { createSidecarRdsGenerator } from './rds-generator.js';

export { fakeProxy, fakeService };

const meta = (name: string, namespace: string) => ({ name, namespace, labels: {}, annotations: {} });

export function virtualService(name: string, spec: VirtualServiceSpec, namespace = 'default'): Resource<'VirtualService'> {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(name, namespace), spec };
}

export function destinationRule(name: string, spec: DestinationRuleSpec, namespace = 'default'): Resource<'DestinationRule'> {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta(name, namespace), spec };
}

export function gateway(name: string, spec: GatewaySpec, namespace = 'default'): Resource<'Gateway'> {
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta(name, namespace), spec };
}

/** A Kubernetes-style service `name.namespace.svc.cluster.local`. */
export function kubeService(name: string, ports: readonly ServicePort[], namespace = 'default', overrides: Partial<Service> = {}): Service {
  return fakeService(`${name}.${namespace}.svc.cluster.local`, ports, { namespace, ...overrides });
}

/** An HTTP port. */
export function http(port: number, name = `http-${port}`): ServicePort {
  return { name, port, protocol: 'HTTP' };
}

/** A port of another protocol. */
export function port(port: number, protocol: ServicePort['protocol'], name = `${protocol.toLowerCase()}-${port}`): ServicePort {
  return { name, port, protocol };
}

export interface TestMesh {
  readonly services?: readonly Service[];
  readonly resources?: readonly AnyResource[];
  readonly mesh?: Partial<MeshConfig>;
}

/** The real push context over `services` and `resources` (no endpoints). */
export function testPush(input: TestMesh = {}): PushContext {
  const services = [...(input.services ?? [])];
  return createPushContext({
    version: 'test',
    mesh: { ...DEFAULT_MESH_CONFIG, ...input.mesh },
    config: createSnapshot(1, entriesOf(input.resources ?? [])),
    registry: { services: () => services, endpoints: () => [], onChange: () => () => {} },
  });
}

/** The bookinfo-like services most route tests use: reviews and ratings on 9080 in `default`. */
export const BOOKINFO: readonly Service[] = [kubeService('reviews', [http(9080)]), kubeService('ratings', [http(9080)])];

/** The packed RouteConfiguration a generator produced, read back as its message. */
export function routeConfigOf(resource: XdsResource | undefined): RouteConfiguration {
  if (!resource) throw new Error('no route configuration was generated');
  return resource.message as RouteConfiguration;
}

/** The virtual host called `name` (`reviews.default.svc.cluster.local:9080`) of a route configuration. */
export function vhostOf(rc: RouteConfiguration, name: string): VirtualHost {
  const vhost = rc.virtual_hosts?.find((v) => v.name === name);
  if (!vhost) throw new Error(`no virtual host ${name} in ${rc.virtual_hosts?.map((v) => v.name).join(', ')}`);
  return vhost;
}

/**
 * The routes a sidecar gets for `reviews` on 9080 from a VirtualService `reviews` with `spec`
 * (plus any other services and resources), generated and packed by the sidecar RDS generator.
 */
export function reviewsRoutes(spec: VirtualServiceSpec, extra: TestMesh & { readonly proxy?: Partial<Proxy> } = {}): Route[] {
  const push = testPush({
    services: [...BOOKINFO, ...(extra.services ?? [])],
    resources: [virtualService('reviews', spec), ...(extra.resources ?? [])],
    ...(extra.mesh ? { mesh: extra.mesh } : {}),
  });
  const [resource] = createSidecarRdsGenerator().generate(fakeProxy(extra.proxy), push, ['9080']);
  return vhostOf(routeConfigOf(resource), 'reviews.default.svc.cluster.local:9080').routes ?? [];
}
