import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RbacAction, RbacPermission, RbacPrincipal, ValueMatch } from '../../config/policy.js';
import type { HeaderMatch } from '../../config/route.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import { requestHead } from '../../router/route-fixtures.js';
import type { DynamicMetadata } from '../policy-filter.js';
import { createRbacEngine } from './rbac-engine.js';
import type { RbacSubject } from './rbac-matchers.js';

const SLEEP = 'spiffe://cluster.local/ns/default/sa/sleep';
const CONN: ConnectionInfo = {
  remoteAddress: '10.1.2.3',
  remotePort: 40000,
  localAddress: '10.9.9.9',
  localPort: 15006,
  destinationAddress: '10.9.9.9',
  destinationPort: 9080,
  tls: true,
  peerCertificate: { principal: SLEEP, uriSans: [SLEEP], dnsSans: [], subject: '', sha256: 'ab' },
};

function subject(over: Partial<RbacSubject> = {}): RbacSubject {
  return { connection: CONN, head: requestHead('/api/v1/books?id=1', { method: 'GET', authority: 'books:9080', headers: [['x-team', 'blue']] }), ...over };
}

function matches(permission: RbacPermission, principal: RbacPrincipal = { kind: 'any' }, s: RbacSubject = subject()): boolean {
  const engine = createRbacEngine({ action: 'ALLOW', policies: [{ name: 'p', permissions: [permission], principals: [principal] }] });
  return engine.evaluate(s).allowed;
}

const exact = (value: string, ignoreCase = false) => ({ kind: 'exact' as const, value, ignoreCase });
const prefix = (value: string) => ({ kind: 'prefix' as const, value, ignoreCase: false });

test('Should match header permissions on pseudo-headers and plain headers, with invert and present', () => {
  assert.equal(matches({ kind: 'header', header: { name: ':method', match: exact('GET'), invert: false } }), true);
  assert.equal(matches({ kind: 'header', header: { name: ':authority', match: { kind: 'prefix', value: 'BOOKS', ignoreCase: true }, invert: false } }), true);
  assert.equal(matches({ kind: 'header', header: { name: 'x-team', match: exact('red'), invert: false } }), false);
  assert.equal(matches({ kind: 'header', header: { name: 'x-team', match: exact('red'), invert: true } }), true);
  assert.equal(matches({ kind: 'header', header: { name: 'x-missing', match: { kind: 'present' }, invert: false } }), false);
  assert.equal(matches({ kind: 'header', header: { name: 'x-team', match: { kind: 'regex', value: 'bl.e' }, invert: false } }), true);
});

test('Should not match a missing header with an inverted string matcher, as Envoy, but match a present other value', () => {
  const inverted = (match: HeaderMatch['match'], treatMissingAsEmpty = false): RbacPermission =>
    ({ kind: 'header', header: { name: 'x-missing', match, invert: true, ...(treatMissingAsEmpty ? { treatMissingAsEmpty } : {}) } });
  for (const m of [exact('admin'), prefix('adm'), { kind: 'suffix' as const, value: 'min', ignoreCase: false }, { kind: 'regex' as const, value: 'adm.*' }]) {
    assert.equal(matches(inverted(m)), false, `missing header, inverted ${m.kind}`);
  }
  assert.equal(matches({ kind: 'header', header: { name: 'x-team', match: exact('admin'), invert: true } }), true, 'present other value, inverted');
  assert.equal(matches({ kind: 'header', header: { name: 'x-team', match: exact('blue'), invert: true } }), false, 'present same value, inverted');
  assert.equal(matches(inverted(exact('admin'), true)), true, 'treat_missing_header_as_empty tests the empty string, then inverts');
  assert.equal(matches({ kind: 'header', header: { name: 'x-missing', match: { kind: 'present' }, invert: true } }), true, 'an inverted present match is the one that matches a missing header');
  const deny = createRbacEngine({ action: 'DENY', policies: [{ name: 'p', permissions: [{ kind: 'header', header: { name: 'x-missing', match: exact('admin'), invert: true } }], principals: [{ kind: 'any' }] }] });
  assert.equal(deny.evaluate(subject()).allowed, true, 'a DENY on an inverted matcher does not fire for a missing header');
});

test('Should match url_path against the path without its query', () => {
  assert.equal(matches({ kind: 'url_path', match: exact('/api/v1/books') }), true);
  assert.equal(matches({ kind: 'url_path', match: { kind: 'suffix', value: '/books', ignoreCase: false } }), true);
  assert.equal(matches({ kind: 'url_path', match: { kind: 'contains', value: 'id=1', ignoreCase: false } }), false);
});

test('Should match destination ip, port, port range and SNI', () => {
  assert.equal(matches({ kind: 'destination_ip', cidr: { address: '10.9.0.0', prefixLen: 16 } }), true);
  assert.equal(matches({ kind: 'destination_ip', cidr: { address: '10.8.0.0', prefixLen: 16 } }), false);
  assert.equal(matches({ kind: 'destination_port', port: 9080 }), true);
  assert.equal(matches({ kind: 'destination_port', port: 9090 }), false);
  assert.equal(matches({ kind: 'destination_port_range', start: 9000, end: 9080 }), false, 'the end is exclusive');
  assert.equal(matches({ kind: 'destination_port_range', start: 9000, end: 9081 }), true);
  assert.equal(matches({ kind: 'requested_server_name', match: exact('books.example') }, { kind: 'any' }, subject({ serverName: 'books.example' })), true);
  assert.equal(matches({ kind: 'requested_server_name', match: exact('books.example') }), false, 'no SNI is matched as empty');
});

test('Should combine permissions with and, or and not, nested', () => {
  const get: RbacPermission = { kind: 'header', header: { name: ':method', match: exact('GET'), invert: false } };
  const post: RbacPermission = { kind: 'header', header: { name: ':method', match: exact('POST'), invert: false } };
  const port: RbacPermission = { kind: 'destination_port', port: 9080 };
  assert.equal(matches({ kind: 'and', rules: [get, port] }), true);
  assert.equal(matches({ kind: 'and', rules: [post, port] }), false);
  assert.equal(matches({ kind: 'or', rules: [post, port] }), true);
  assert.equal(matches({ kind: 'not', rule: { kind: 'or', rules: [post, { kind: 'not', rule: port }] } }), true);
  assert.equal(matches({ kind: 'not', rule: { kind: 'any' } }), false);
});

test('Should match authenticated principals only with a peer certificate', () => {
  const any: RbacPermission = { kind: 'any' };
  assert.equal(matches(any, { kind: 'authenticated', match: exact(SLEEP) }), true);
  assert.equal(matches(any, { kind: 'authenticated', match: { kind: 'regex', value: '.*/ns/default/.*' } }), true);
  assert.equal(matches(any, { kind: 'authenticated', match: { kind: 'regex', value: '.*/ns/prod/.*' } }), false);
  assert.equal(matches(any, { kind: 'authenticated' }), true);
  const plaintext = subject({ connection: { ...CONN, tls: false, peerCertificate: undefined } });
  assert.equal(matches(any, { kind: 'authenticated' }, plaintext), false);
  assert.equal(matches(any, { kind: 'authenticated', match: prefix('') }, plaintext), false);
  assert.equal(matches(any, { kind: 'not', id: { kind: 'authenticated', match: exact(SLEEP) } }, plaintext), true);
});

test('Should tell direct_remote_ip from remote_ip, which follows x-forwarded-for', () => {
  const any: RbacPermission = { kind: 'any' };
  const forwarded = subject({ remoteIp: '192.0.2.7' });
  assert.equal(matches(any, { kind: 'direct_remote_ip', cidr: { address: '10.1.0.0', prefixLen: 16 } }, forwarded), true);
  assert.equal(matches(any, { kind: 'remote_ip', cidr: { address: '10.1.0.0', prefixLen: 16 } }, forwarded), false);
  assert.equal(matches(any, { kind: 'remote_ip', cidr: { address: '192.0.2.7', prefixLen: 32 } }, forwarded), true);
  assert.equal(matches(any, { kind: 'source_ip', cidr: { address: '10.1.2.3', prefixLen: 32 } }), true);
  assert.equal(matches(any, { kind: 'and', ids: [{ kind: 'source_ip', cidr: { address: '10.1.2.3', prefixLen: 32 } }, { kind: 'url_path', match: prefix('/admin') }] }), false);
  assert.equal(matches(any, { kind: 'or', ids: [{ kind: 'header', header: { name: 'x-team', match: exact('blue'), invert: false } }, { kind: 'url_path', match: prefix('/admin') }] }), true);
});

test('Should match metadata by path, with list, string, bool, present and invert', () => {
  const metadata: DynamicMetadata = new Map([
    ['istio_authn', { 'request.auth.principal': 'issuer.example/alice', 'request.auth.claims': { groups: ['dev', 'ops'], admin: ['true'] }, verified: true }],
  ]);
  const s = subject({ metadata });
  const meta = (path: string[], value: ValueMatch, invert = false): RbacPrincipal => ({ kind: 'metadata', metadata: { filter: 'istio_authn', path, value, invert } });
  const any: RbacPermission = { kind: 'any' };
  assert.equal(matches(any, meta(['request.auth.principal'], { kind: 'string', match: exact('issuer.example/alice') }), s), true);
  assert.equal(matches(any, meta(['request.auth.principal'], { kind: 'string', match: prefix('other/') }), s), false);
  assert.equal(matches(any, meta(['request.auth.claims', 'groups'], { kind: 'list', oneOf: { kind: 'string', match: exact('ops') } }), s), true);
  assert.equal(matches(any, meta(['request.auth.claims', 'groups'], { kind: 'list', oneOf: { kind: 'string', match: exact('qa') } }), s), false);
  assert.equal(matches(any, meta(['verified'], { kind: 'bool', value: true }), s), true);
  assert.equal(matches(any, meta(['request.auth.principal'], { kind: 'present', value: true }), s), true);
  assert.equal(matches(any, meta(['request.auth.principal'], { kind: 'present', value: true })), false, 'no metadata at all');
  assert.equal(matches(any, meta(['request.auth.principal'], { kind: 'present', value: true }, true)), true, 'inverted on a missing value');
  assert.equal(matches(any, meta(['request.auth.claims', 'groups', 'deeper'], { kind: 'present', value: true }), s), false);
  assert.equal(matches(any, meta(['request.auth.principal'], { kind: 'or', matchers: [{ kind: 'null' }, { kind: 'string', match: prefix('issuer') }] }), s), true);
});

test('Should never match header or path rules on a connection without a request', () => {
  const tcp = subject({ head: undefined });
  assert.equal(matches({ kind: 'header', header: { name: ':method', match: exact('GET'), invert: true } }, { kind: 'any' }, tcp), false);
  assert.equal(matches({ kind: 'url_path', match: prefix('/') }, { kind: 'any' }, tcp), false);
  assert.equal(matches({ kind: 'destination_port', port: 9080 }, { kind: 'any' }, tcp), true);
});

test('Should apply ALLOW, DENY and LOG as Envoy does and name the first matching policy', () => {
  const policies = [
    { name: 'b-port', permissions: [{ kind: 'destination_port', port: 9080 } as RbacPermission], principals: [{ kind: 'any' } as RbacPrincipal] },
    { name: 'a-admin', permissions: [{ kind: 'url_path', match: prefix('/admin') } as RbacPermission], principals: [{ kind: 'any' } as RbacPrincipal] },
  ];
  const decide = (action: RbacAction, s = subject()) => createRbacEngine({ action, policies: [...policies].sort((x, y) => x.name.localeCompare(y.name)) }).evaluate(s);
  assert.deepEqual(decide('ALLOW'), { allowed: true, matchedPolicy: 'b-port' });
  assert.deepEqual(decide('DENY'), { allowed: false, matchedPolicy: 'b-port' });
  assert.deepEqual(decide('LOG'), { allowed: true, matchedPolicy: 'b-port' });
  const elsewhere = subject({ connection: { ...CONN, destinationPort: 80 } });
  assert.deepEqual(decide('ALLOW', elsewhere), { allowed: false, matchedPolicy: undefined });
  assert.deepEqual(decide('DENY', elsewhere), { allowed: true, matchedPolicy: undefined });
  assert.deepEqual(createRbacEngine({ action: 'ALLOW', policies: [] }).evaluate(subject()), { allowed: false, matchedPolicy: undefined }, 'ALLOW with no policy allows nothing');
});
