import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeaderOperations, HeaderValueOption } from '../config/route.js';
import { HeaderMap } from '../http/headers.js';
import type { ConnectionInfo } from '../http/exchange.js';
import { applyRequestHeaderOperations, applyResponseHeaderOperations, type HeaderLevels } from './header-operations.js';
import { formatHeaderValue } from './header-formatter.js';
import { requestHead, route, routeConfig, routeMatch, virtualHost, NO_HEADER_OPS } from './route-fixtures.js';

const ops = (add: HeaderValueOption[], remove: string[] = [], response = false): HeaderOperations =>
  response ? { ...NO_HEADER_OPS, responseHeadersToAdd: add, responseHeadersToRemove: remove } : { ...NO_HEADER_OPS, requestHeadersToAdd: add, requestHeadersToRemove: remove };

function levels(cluster: HeaderOperations, r: HeaderOperations, vh: HeaderOperations, config: HeaderOperations): HeaderLevels {
  const theRoute = route('r', routeMatch({ kind: 'prefix', value: '/' }), { headers: r });
  const theHost = virtualHost('vh', ['*'], [theRoute], { headers: vh });
  return { config: routeConfig([theHost], { headers: config }), virtualHost: theHost, route: theRoute, cluster: { name: 'c', weight: 1, headers: cluster } };
}

test('Should let the least specific level win an overwrite, as Envoy does by default', () => {
  const h = new HeaderMap();
  const set = (v: string): HeaderValueOption[] => [{ name: 'x-level', value: v, action: 'overwrite' }];
  applyRequestHeaderOperations(h, levels(ops(set('cluster')), ops(set('route')), ops(set('vhost')), ops(set('config'))), {});
  assert.deepEqual(h.getAll('x-level'), ['config']);
});

test('Should apply levels from weighted cluster to route configuration, appending in that order', () => {
  const h = new HeaderMap(['x-level', 'client']);
  const add = (v: string): HeaderValueOption[] => [{ name: 'X-Level', value: v, action: 'append' }];
  applyRequestHeaderOperations(h, levels(ops(add('cluster')), ops(add('route')), ops(add('vhost')), ops(add('config'))), {});
  assert.deepEqual(h.getAll('x-level'), ['client', 'cluster', 'route', 'vhost', 'config']);
});

test('Should remove before adding at each level', () => {
  const h = new HeaderMap(['x-a', 'old', 'x-b', 'old']);
  applyRequestHeaderOperations(h, levels(NO_HEADER_OPS, ops([{ name: 'x-a', value: 'new', action: 'append' }], ['x-a']), ops([], ['x-b']), NO_HEADER_OPS), {});
  assert.deepEqual(h.getAll('x-a'), ['new']);
  assert.equal(h.has('x-b'), false);
});

const ACTIONS: { action: HeaderValueOption['action']; before: string[]; after: string[] }[] = [
  { action: 'append', before: [], after: ['v'] },
  { action: 'append', before: ['old'], after: ['old', 'v'] },
  { action: 'add_if_absent', before: [], after: ['v'] },
  { action: 'add_if_absent', before: ['old'], after: ['old'] },
  { action: 'overwrite', before: [], after: ['v'] },
  { action: 'overwrite', before: ['old', 'older'], after: ['v'] },
];
for (const c of ACTIONS) {
  test(`Should ${c.action} onto ${c.before.length} existing values leaving ${JSON.stringify(c.after)}`, () => {
    const h = new HeaderMap(c.before.flatMap((v) => ['x-h', v]));
    applyRequestHeaderOperations(h, levels(NO_HEADER_OPS, ops([{ name: 'x-h', value: 'v', action: c.action }]), NO_HEADER_OPS, NO_HEADER_OPS), {});
    assert.deepEqual(h.getAll('x-h'), c.after);
  });
}

test('Should apply response operations on the response levels only', () => {
  const h = new HeaderMap(['server', 'app']);
  const lv = levels(NO_HEADER_OPS, { ...ops([{ name: 'x-req', value: '1', action: 'append' }]), responseHeadersToAdd: [{ name: 'x-resp', value: '1', action: 'append' }] }, ops([], ['server'], true), NO_HEADER_OPS);
  applyResponseHeaderOperations(h, lv, {});
  assert.equal(h.get('x-resp'), '1');
  assert.equal(h.has('x-req'), false);
  assert.equal(h.has('server'), false);
});

const conn: ConnectionInfo = { remoteAddress: '10.0.0.7', remotePort: 5555, localAddress: '::1', localPort: 15006, destinationAddress: '10.0.0.8', destinationPort: 9080, tls: false };
const FORMATS: { value: string; expect: string }[] = [
  { value: 'plain', expect: 'plain' },
  { value: '%DOWNSTREAM_REMOTE_ADDRESS%', expect: '10.0.0.7:5555' },
  { value: 'ip=%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%;', expect: 'ip=10.0.0.7;' },
  { value: '%DOWNSTREAM_LOCAL_ADDRESS%', expect: '[::1]:15006' },
  { value: '%DOWNSTREAM_LOCAL_PORT%', expect: '15006' },
  { value: '%REQ(x-user)%/%REQ(:authority)%', expect: 'ann/example.com' },
  { value: '%PROTOCOL%', expect: 'HTTP/1.1' },
  { value: '100%%', expect: '100%' },
  { value: '%UNKNOWN_THING%', expect: '%UNKNOWN_THING%' },
  { value: '50% off', expect: '50% off' },
  { value: '%a%DOWNSTREAM_LOCAL_PORT%', expect: '%a15006' },
];
for (const c of FORMATS) {
  test(`Should format ${JSON.stringify(c.value)} as ${JSON.stringify(c.expect)}`, () => {
    assert.equal(formatHeaderValue(c.value, { connection: conn, request: requestHead('/', { headers: [['x-user', 'ann']] }) }), c.expect);
  });
}

test('Should skip an added header whose value formats to empty', () => {
  const h = new HeaderMap();
  applyRequestHeaderOperations(h, levels(NO_HEADER_OPS, ops([{ name: 'x-up', value: '%UPSTREAM_REMOTE_ADDRESS%', action: 'append' }]), NO_HEADER_OPS, NO_HEADER_OPS), {});
  assert.equal(h.has('x-up'), false);
});
