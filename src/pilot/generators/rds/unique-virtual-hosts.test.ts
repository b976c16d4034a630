import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { Service } from '../../model/service.js';
import { meshRouteContext } from './route-context.js';
import { fakeProxy, http, kubeService, testPush } from './testing.js';
import { buildUniqueVirtualHosts } from './unique-virtual-hosts.js';

/** A service frozen as the registries hand them out. */
const frozen = (s: Service): Service => Object.freeze({ ...s, ports: Object.freeze([...s.ports]), addresses: Object.freeze([...s.addresses]) });
const reviews = frozen(kubeService('reviews', [http(9080)], 'default', { addresses: ['240.0.0.1'] }));
const ratings = frozen(kubeService('ratings', [http(9080)], 'default', { addresses: ['240.0.0.1'] }));
const routes = (cluster: string): Route[] => [{ name: 'default', match: { prefix: '/' }, route: { cluster } }];
const ctx = () => meshRouteContext(fakeProxy(), testPush({ services: [reviews, ratings] }), 9080);

test('Should give a service whose routes list and domains are unchanged the same frozen virtual host every push', () => {
  const list = routes('outbound|9080||reviews.default.svc.cluster.local');
  const [first] = buildUniqueVirtualHosts([{ services: [reviews], hosts: [], routes: list }], ctx());
  const [second] = buildUniqueVirtualHosts([{ services: [reviews], hosts: [], routes: list }], ctx());
  assert.ok(first && Object.isFrozen(first));
  assert.equal(second, first);
  assert.deepEqual(first.domains, ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '240.0.0.1']);
  const [rebuilt] = buildUniqueVirtualHosts([{ services: [reviews], hosts: [], routes: routes('outbound|9080|v1|reviews.default.svc.cluster.local') }], ctx());
  assert.notEqual(rebuilt, first, 'a new routes list makes a new virtual host');
});

test('Should give a domain to the first virtual host only, and build the one that lost it anew', () => {
  const list = routes('outbound|9080||x');
  const wrappers = [
    { services: [ratings], hosts: [], routes: list },
    { services: [reviews], hosts: [], routes: list },
  ];
  const vhosts = buildUniqueVirtualHosts(wrappers, ctx());
  assert.deepEqual(
    vhosts.map((v) => [v.name, v.domains?.includes('240.0.0.1'), Object.isFrozen(v)]),
    [
      ['ratings.default.svc.cluster.local:9080', true, true],
      ['reviews.default.svc.cluster.local:9080', false, false],
    ],
  );
});

test('Should drop a virtual host whose name was already used', () => {
  const list = routes('outbound|9080||x');
  const vhosts = buildUniqueVirtualHosts([{ services: [reviews], hosts: [], routes: list }, { services: [reviews], hosts: [], routes: list }], ctx());
  assert.equal(vhosts.length, 1);
});
