import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouteTable } from './route-table.js';
import { draws, requestHead, route, routeAction, routeConfig, routeMatch, virtualHost, NO_HEADER_OPS } from './route-fixtures.js';

/** Bookinfo's ratings and reviews hosts as Pilot generates them for the productpage sidecar. */
const BOOKINFO = routeConfig([
  virtualHost('ratings.default.svc.cluster.local:9080', ['ratings.default.svc.cluster.local', 'ratings', 'ratings.default.svc', 'ratings.default'], [
    route('jason', routeMatch({ kind: 'prefix', value: '/' }, { headers: [{ name: 'end-user', match: { kind: 'exact', value: 'jason', ignoreCase: false }, invert: false }] }), {
      fault: { delay: { fixedDelayMs: 7000, percentagePpm: 1_000_000 } },
    }),
    route('default', routeMatch({ kind: 'prefix', value: '/' })),
  ]),
  virtualHost('reviews.default.svc.cluster.local:9080', ['reviews.default.svc.cluster.local', 'reviews'], [
    route('split', routeMatch({ kind: 'prefix', value: '/' }), {
      action: routeAction({
        clusters: [
          { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 80, headers: NO_HEADER_OPS },
          { name: 'outbound|9080|v2|reviews.default.svc.cluster.local', weight: 20, headers: NO_HEADER_OPS },
        ],
      }),
    }),
  ]),
  virtualHost('allow_any', ['*'], [route('allow_any', routeMatch({ kind: 'prefix', value: '/' }))]),
]);

test('Should send jason to the first matching route and others to the next', () => {
  const table = createRouteTable(BOOKINFO);
  const jason = table.select(requestHead('/ratings/0', { authority: 'ratings:9080', headers: [['end-user', 'jason']] }));
  assert.equal(jason?.virtualHost.name, 'ratings.default.svc.cluster.local:9080');
  assert.equal(jason?.route.name, 'jason');
  const other = table.select(requestHead('/ratings/0', { authority: 'ratings:9080', headers: [['end-user', 'bob']] }));
  assert.equal(other?.route.name, 'default');
});

test('Should fall back to the allow_any host for an unknown authority', () => {
  assert.equal(createRouteTable(BOOKINFO).select(requestHead('/', { authority: 'httpbin.org' }))?.route.name, 'allow_any');
});

test('Should return the same selection object for every request to a route', () => {
  const table = createRouteTable(BOOKINFO);
  const a = table.select(requestHead('/a', { authority: 'reviews' }));
  const b = table.select(requestHead('/b', { authority: 'reviews' }));
  assert.ok(a !== undefined);
  assert.equal(a, b);
});

test('Should find no route when no route of the virtual host matches', () => {
  const table = createRouteTable(routeConfig([virtualHost('a', ['a'], [route('api', routeMatch({ kind: 'prefix', value: '/api' }))])]));
  assert.equal(table.select(requestHead('/web', { authority: 'a' })), undefined);
  assert.equal(table.select(requestHead('/api', { authority: 'b' })), undefined);
});

test('Should draw one random value per request and share it across runtime-fraction routes', () => {
  const table = createRouteTable(
    routeConfig([
      virtualHost('a', ['*'], [
        route('quarter', routeMatch({ kind: 'prefix', value: '/' }, { runtimeFractionPpm: 250_000 })),
        route('half', routeMatch({ kind: 'prefix', value: '/' }, { runtimeFractionPpm: 500_000 })),
        route('rest', routeMatch({ kind: 'prefix', value: '/' })),
      ]),
    ]),
  );
  assert.equal(table.select(requestHead('/'), draws(0.1))?.route.name, 'quarter');
  assert.equal(table.select(requestHead('/'), draws(0.3))?.route.name, 'half');
  assert.equal(table.select(requestHead('/'), draws(0.7))?.route.name, 'rest');
});

test('Should not draw a random value when no route has a runtime fraction', () => {
  assert.equal(createRouteTable(BOOKINFO).select(requestHead('/', { authority: 'reviews' }), draws())?.route.name, 'split');
});

test('Should match Istio method and authority conditions given as pseudo-headers', () => {
  const table = createRouteTable(
    routeConfig([
      virtualHost('a', ['*'], [
        route('post', routeMatch({ kind: 'prefix', value: '/' }, { headers: [{ name: ':method', match: { kind: 'exact', value: 'POST', ignoreCase: false }, invert: false }] })),
        route('any', routeMatch({ kind: 'prefix', value: '/' })),
      ]),
    ]),
  );
  assert.equal(table.select(requestHead('/', { method: 'POST' }))?.route.name, 'post');
  assert.equal(table.select(requestHead('/', { method: 'GET' }))?.route.name, 'any');
});

test('Should redirect a request without TLS to https on a require_tls host, and route one that came over TLS', () => {
  const table = createRouteTable(routeConfig([
    virtualHost('secure', ['bookinfo.example.com'], [route('app', routeMatch({ kind: 'prefix', value: '/' }))], { requireTls: 'ALL' }),
    virtualHost('open', ['*'], [route('open', routeMatch({ kind: 'prefix', value: '/' }))]),
  ]));
  const plain = table.select(requestHead('/productpage', { authority: 'bookinfo.example.com', headers: [['x-forwarded-proto', 'http']] }));
  assert.equal(plain?.virtualHost.name, 'secure');
  assert.deepEqual(plain?.route.action, { kind: 'redirect', scheme: 'https', responseCode: 301, stripQuery: false });
  const secure = table.select(requestHead('/productpage', { authority: 'bookinfo.example.com', headers: [['x-forwarded-proto', 'https']] }));
  assert.equal(secure?.route.name, 'app');
  assert.equal(table.select(requestHead('/', { authority: 'other.example.com', headers: [['x-forwarded-proto', 'http']] }))?.route.name, 'open');
});
