import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSidecarRdsGenerator } from './rds-generator.js';
import { BOOKINFO, fakeProxy, http, kubeService, port, routeConfigOf, testPush, vhostOf, virtualService } from './testing.js';

const generate = (push: ReturnType<typeof testPush>, names?: string[], proxy = fakeProxy()) => createSidecarRdsGenerator().generate(proxy, push, names);

test('Should name the route configuration after the port, with a virtual host per service on it and matching ports ignored', () => {
  const push = testPush({ services: [...BOOKINFO, kubeService('details', [http(9090)])] });
  const rc = routeConfigOf(generate(push, ['9080'])[0]);
  assert.equal(rc.name, '9080');
  assert.deepEqual(rc.virtual_hosts?.map((v) => v.name), ['ratings.default.svc.cluster.local:9080', 'reviews.default.svc.cluster.local:9080', 'allow_any']);
  assert.equal(rc.ignore_port_in_host_matching, true);
  assert.deepEqual(rc.validate_clusters, { value: false });
});

test('Should answer to the service\'s short names from its own namespace, and to name.namespace forms from others', () => {
  const push = testPush({ services: [kubeService('reviews', [http(9080)], 'default', { addresses: ['10.96.0.7'] })] });
  const same = vhostOf(routeConfigOf(generate(push, ['9080'])[0]), 'reviews.default.svc.cluster.local:9080');
  assert.deepEqual(same.domains, ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '10.96.0.7']);
  const other = fakeProxy({ namespace: 'shop', dnsDomain: 'shop.svc.cluster.local' });
  const far = vhostOf(routeConfigOf(generate(push, ['9080'], other)[0]), 'reviews.default.svc.cluster.local:9080');
  assert.deepEqual(far.domains, ['reviews.default.svc.cluster.local', 'reviews.default', 'reviews.default.svc', '10.96.0.7']);
});

test('Should route a service without a VirtualService to its default cluster with no timeout', () => {
  const rc = routeConfigOf(generate(testPush({ services: BOOKINFO }), ['9080'])[0]);
  const [route] = vhostOf(rc, 'ratings.default.svc.cluster.local:9080').routes ?? [];
  assert.equal(route?.name, 'default');
  assert.deepEqual(route?.match, { prefix: '/' });
  assert.equal(route?.route?.cluster, 'outbound|9080||ratings.default.svc.cluster.local');
  assert.deepEqual(route?.route?.timeout, { seconds: 0 });
  assert.equal(route?.decorator?.operation, 'ratings.default.svc.cluster.local:9080/*');
});

test('Should end with allow_any to PassthroughCluster under ALLOW_ANY and block_all answering 502 under REGISTRY_ONLY', () => {
  const allow = routeConfigOf(generate(testPush({ services: BOOKINFO }), ['9080'])[0]);
  assert.deepEqual(allow.virtual_hosts?.at(-1)?.domains, ['*']);
  assert.equal(allow.virtual_hosts?.at(-1)?.routes?.[0]?.route?.cluster, 'PassthroughCluster');
  const block = routeConfigOf(generate(testPush({ services: BOOKINFO, mesh: { outboundTrafficPolicy: 'REGISTRY_ONLY' } }), ['9080'])[0]);
  assert.equal(block.virtual_hosts?.at(-1)?.name, 'block_all');
  assert.deepEqual(block.virtual_hosts?.at(-1)?.routes?.[0]?.direct_response, { status: 502 });
});

test('Should give a VirtualService host without a service its own virtual host on port 80 only', () => {
  const vs = virtualService('external', { hosts: ['api.example.com'], http: [{ route: [{ destination: { host: 'api.example.com' } }] }] });
  const push = testPush({ services: [kubeService('web', [http(80)])], resources: [vs] });
  const rc80 = routeConfigOf(generate(push, ['80'])[0]);
  assert.deepEqual(vhostOf(rc80, 'api.example.com:80').domains, ['api.example.com']);
  assert.equal(vhostOf(rc80, 'api.example.com:80').routes?.[0]?.route?.cluster, 'outbound|80||api.example.com');
  const rc9080 = routeConfigOf(generate(testPush({ services: BOOKINFO, resources: [vs] }), ['9080'])[0]);
  assert.equal(rc9080.virtual_hosts?.some((v) => v.name === 'api.example.com:9080'), false);
});

test('Should apply a wildcard VirtualService to the services it covers', () => {
  const vs = virtualService('all', { hosts: ['*.default.svc.cluster.local'], http: [{ timeout: '3s', route: [{ destination: { host: 'ratings' } }] }] });
  const rc = routeConfigOf(generate(testPush({ services: BOOKINFO, resources: [vs] }), ['9080'])[0]);
  assert.deepEqual(vhostOf(rc, 'reviews.default.svc.cluster.local:9080').routes?.[0]?.route?.timeout, { seconds: 3 });
  assert.equal(rc.virtual_hosts?.some((v) => v.name === '*.default.svc.cluster.local:9080'), false);
});

test('Should skip match blocks for another port, other source labels or another source namespace', () => {
  const vs = virtualService('reviews', {
    hosts: ['reviews'],
    http: [
      { match: [{ port: 9999 }], route: [{ destination: { host: 'reviews', subset: 'port' } }] },
      { match: [{ sourceLabels: { app: 'productpage' } }], route: [{ destination: { host: 'reviews', subset: 'labels' } }] },
      { match: [{ sourceNamespace: 'other' }], route: [{ destination: { host: 'reviews', subset: 'ns' } }] },
      { match: [{ gateways: ['default/ingress'] }], route: [{ destination: { host: 'reviews', subset: 'gw' } }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ],
  });
  const push = testPush({ services: BOOKINFO, resources: [vs] });
  const subsets = (labels: Record<string, string>) =>
    vhostOf(routeConfigOf(generate(push, ['9080'], fakeProxy({ labels }))[0]), 'reviews.default.svc.cluster.local:9080').routes?.map((r) => r.route?.cluster?.split('|')[2]);
  assert.deepEqual(subsets({}), ['v1']);
  // For this proxy the sourceLabels rule matches everything, so nothing after it can.
  assert.deepEqual(subsets({ app: 'productpage', version: 'v1' }), ['labels']);
});

test('Should list every HTTP port of the visible services for a wildcard request, and answer an unknown name with an empty configuration', () => {
  const push = testPush({ services: [...BOOKINFO, kubeService('db', [port(5432, 'TCP')]), kubeService('web', [http(80), { name: 'probe', port: 8081, protocol: 'UNKNOWN' }])] });
  assert.deepEqual(generate(push).map((r) => r.name), ['80', '8081', '9080']);
  const [empty] = generate(push, ['not-a-port']);
  assert.deepEqual(routeConfigOf(empty).virtual_hosts, []);
});
