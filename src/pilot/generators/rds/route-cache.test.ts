import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyResource } from '../../../api/index.js';
import { createSnapshot, entriesOf } from '../../../galley/index.js';
import { DEFAULT_MESH_CONFIG } from '../../model/mesh-config.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { createPushContext } from '../../push-context.js';
import { createRouteCache } from './route-cache.js';
import { createSidecarRdsGenerator } from './rds-generator.js';
import { buildSidecarRouteConfiguration } from './sidecar-route-config.js';
import { BOOKINFO, destinationRule, fakeProxy, routeConfigOf, vhostOf, virtualService } from './testing.js';

const REVIEWS = 'reviews.default.svc.cluster.local:9080';
const RATINGS = 'ratings.default.svc.cluster.local:9080';
const proxy = fakeProxy();

let version = 0;
/** A push over these very objects, as a running control plane builds one per change. */
function pushOf(services: readonly Service[], resources: readonly AnyResource[]): PushContext {
  version++;
  return createPushContext({
    version: String(version),
    mesh: DEFAULT_MESH_CONFIG,
    config: createSnapshot(version, entriesOf(resources)),
    registry: { services: () => services, endpoints: () => [], onChange: () => () => {} },
  });
}

const split = (v1: number) =>
  virtualService('reviews', {
    hosts: ['reviews'],
    http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: v1 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 100 - v1 }] }],
  });
const hashOn = (host: string, header: string) =>
  destinationRule(host, { host, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: header } } } });

function routesOf(generate: ReturnType<typeof createSidecarRdsGenerator>['generate'], push: PushContext, vhost: string) {
  return vhostOf(routeConfigOf(generate(proxy, push, ['9080'])[0]), vhost).routes;
}

describe('routes kept across pushes', () => {
  it('Should reuse the routes of an unchanged VirtualService and of a service without one', () => {
    const { generate } = createSidecarRdsGenerator();
    const resources = [split(80)];
    const a = pushOf(BOOKINFO, resources);
    const b = pushOf(BOOKINFO, resources);
    assert.equal(routesOf(generate, b, REVIEWS), routesOf(generate, a, REVIEWS));
    assert.equal(routesOf(generate, b, RATINGS), routesOf(generate, a, RATINGS));
  });

  it('Should rebuild the routes of a changed VirtualService and keep the others', () => {
    const { generate } = createSidecarRdsGenerator();
    const before = routesOf(generate, pushOf(BOOKINFO, [split(80)]), REVIEWS);
    const ratings = routesOf(generate, pushOf(BOOKINFO, [split(80)]), RATINGS);
    const push = pushOf(BOOKINFO, [split(30)]);
    const after = routesOf(generate, push, REVIEWS);
    assert.notEqual(after, before);
    assert.deepEqual(after?.[0]?.route?.weighted_clusters?.clusters?.map((c) => c.weight?.value), [30, 70]);
    assert.equal(routesOf(generate, push, RATINGS), ratings);
  });

  it('Should rebuild routes when a DestinationRule they read changes', () => {
    const { generate } = createSidecarRdsGenerator();
    const vs = split(80);
    const first = pushOf(BOOKINFO, [vs, hashOn('reviews', 'x-user'), hashOn('ratings', 'x-user')]);
    const reviews = routesOf(generate, first, REVIEWS);
    const ratings = routesOf(generate, first, RATINGS);
    const second = pushOf(BOOKINFO, [vs, hashOn('reviews', 'x-session'), hashOn('ratings', 'x-session')]);
    assert.equal(routesOf(generate, second, REVIEWS)?.[0]?.route?.hash_policy?.[0]?.header?.header_name, 'x-session');
    assert.equal(routesOf(generate, second, RATINGS)?.[0]?.route?.hash_policy?.[0]?.header?.header_name, 'x-session');
    assert.equal(reviews?.[0]?.route?.hash_policy?.[0]?.header?.header_name, 'x-user');
    assert.equal(ratings?.[0]?.route?.hash_policy?.[0]?.header?.header_name, 'x-user');
  });

  it('Should rebuild routes when a destination service they looked up is replaced', () => {
    const { generate } = createSidecarRdsGenerator();
    const vs = virtualService('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'ratings' } }] }] });
    const before = routesOf(generate, pushOf(BOOKINFO, [vs]), REVIEWS);
    const [reviews, ratings] = BOOKINFO as [Service, Service];
    const moved: Service = { ...ratings, ports: [{ name: 'http', port: 9090, protocol: 'HTTP' }] };
    const after = routesOf(generate, pushOf([reviews, moved], [vs]), REVIEWS);
    assert.equal(before?.[0]?.route?.cluster, 'outbound|9080||ratings.default.svc.cluster.local');
    assert.equal(after?.[0]?.route?.cluster, 'outbound|9090||ratings.default.svc.cluster.local');
  });

  it('Should drop the routes of a VirtualService that is gone once two pushes have not used it', () => {
    const cache = createRouteCache();
    const build = (push: PushContext) => {
      cache.rotate(push);
      return buildSidecarRouteConfiguration(proxy, push, 9080, cache);
    };
    build(pushOf(BOOKINFO, [split(80)]));
    assert.equal(cache.size, 2, 'the VirtualService of reviews and the service ratings');
    build(pushOf(BOOKINFO, []));
    assert.equal(cache.size, 3, 'the previous push may still be served');
    build(pushOf(BOOKINFO, []));
    assert.equal(cache.size, 2);
  });
});
