import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyResource, GatewaySpec } from '../../../api/index.js';
import { createGatewayRdsGenerator } from './rds-generator.js';
import { BOOKINFO, fakeProxy, gateway, routeConfigOf, testPush, vhostOf, virtualService } from './testing.js';

const ingress = fakeProxy({ type: 'router', labels: { istio: 'ingressgateway' }, namespace: 'istio-system', dnsDomain: 'istio-system.svc.cluster.local' });
const selector = { istio: 'ingressgateway' };

function routes(gw: GatewaySpec, resources: AnyResource[], names?: string[]) {
  const push = testPush({ services: BOOKINFO, resources: [gateway('bookinfo-gateway', gw), ...resources] });
  return createGatewayRdsGenerator().generate(ingress, push, names);
}

const bookinfoVs = virtualService('bookinfo', {
  hosts: ['bookinfo.example.com', 'shop.example.com'],
  gateways: ['bookinfo-gateway'],
  http: [{ match: [{ uri: { prefix: '/reviews' } }], route: [{ destination: { host: 'reviews', port: { number: 9080 } } }] }, { route: [{ destination: { host: 'ratings' } }] }],
});

test('Should build http.<port> with a virtual host per server host that a bound VirtualService names', () => {
  const [res] = routes({ selector, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] }, [bookinfoVs]);
  const rc = routeConfigOf(res);
  assert.equal(rc.name, 'http.8080');
  assert.deepEqual(rc.virtual_hosts?.map((v) => v.name), ['bookinfo.example.com:8080', 'shop.example.com:8080']);
  const vhost = vhostOf(rc, 'bookinfo.example.com:8080');
  assert.deepEqual(vhost.domains, ['bookinfo.example.com']);
  assert.deepEqual(vhost.routes?.map((r) => r.route?.cluster), ['outbound|9080||reviews.default.svc.cluster.local', 'outbound|9080||ratings.default.svc.cluster.local']);
  assert.equal(rc.ignore_port_in_host_matching, true);
});

test('Should offer only the hosts a server exports to the VirtualService\'s namespace', () => {
  const [res] = routes({ selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['prod/bookinfo.example.com', './shop.example.com'] }] }, [bookinfoVs]);
  assert.deepEqual(routeConfigOf(res).virtual_hosts?.map((v) => v.name), ['shop.example.com:80']);
});

test('Should answer 404 from a blackhole virtual host when no VirtualService is bound', () => {
  const [res] = routes({ selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, []);
  assert.deepEqual(routeConfigOf(res).virtual_hosts, [{ name: 'blackhole:80', domains: ['*'], routes: [] }]);
});

test('Should require TLS on the hosts of a server with httpsRedirect', () => {
  const [res] = routes({ selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['bookinfo.example.com', 'other.example.com'], tls: { httpsRedirect: true } }] }, [bookinfoVs]);
  const rc = routeConfigOf(res);
  assert.equal(vhostOf(rc, 'bookinfo.example.com:80').require_tls, 'ALL');
  assert.equal(vhostOf(rc, 'other.example.com:80').require_tls, 'ALL');
});

test('Should name HTTPS routes after port, port name, gateway and namespace, and apply gateway-scoped matches only there', () => {
  const vs = virtualService('secure', {
    hosts: ['bookinfo.example.com'],
    gateways: ['bookinfo-gateway', 'mesh'],
    http: [
      { match: [{ gateways: ['mesh'] }], route: [{ destination: { host: 'reviews', subset: 'mesh-only' } }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ],
  });
  const gw: GatewaySpec = { selector, servers: [{ port: { number: 443, name: 'https-main', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert' } }] };
  const all = routes(gw, [vs]);
  assert.deepEqual(all.map((r) => r.name), ['https.443.https-main.bookinfo-gateway.default']);
  const vhost = vhostOf(routeConfigOf(all[0]), 'bookinfo.example.com:443');
  assert.deepEqual(vhost.routes?.map((r) => r.route?.cluster), ['outbound|9080|v1|reviews.default.svc.cluster.local']);
});
