import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionInfo } from '../http/exchange.js';
import { retargetConnection, splitAuthority } from './explicit-target.js';

const conn = (): ConnectionInfo => ({ remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 15001, destinationAddress: '127.0.0.1', destinationPort: 15001, tls: false });

test('Should split host and port, with the default port and bracketed IPv6', () => {
  assert.deepEqual(splitAuthority('Reviews:9080', 80), { address: 'reviews', port: 9080 });
  assert.deepEqual(splitAuthority('reviews', 80), { address: 'reviews', port: 80 });
  assert.deepEqual(splitAuthority('[::1]:8443', 443), { address: '::1', port: 8443 });
  assert.equal(splitAuthority('a:0', 80), undefined);
  assert.equal(splitAuthority('a:b:c', 80), undefined);
});

test('Should give keep-alive requests to the same authority the same target, and a new one when it changes', () => {
  const c = conn();
  const first = retargetConnection(c, 'reviews:9080', 'http')!;
  assert.deepEqual(first.target, { address: 'reviews', port: 9080 });
  assert.equal(first.connection.destinationAddress, 'reviews');
  assert.equal(first.connection.destinationPort, 9080);
  assert.equal(first.connection.remotePort, 40000);
  assert.equal(retargetConnection(c, 'reviews:9080', 'http'), first, 'reused');
  const other = retargetConnection(c, 'ratings', 'https')!;
  assert.deepEqual(other.target, { address: 'ratings', port: 443 });
  assert.equal(other.connection.destinationPort, 443);
  assert.notEqual(retargetConnection(c, 'reviews:9080', 'http'), first, 'the previous target is not kept once another came');
  assert.equal(retargetConnection(c, 'reviews:9080', 'https')!.target.port, 9080);
});

test('Should keep connections apart and refuse an authority that names no host', () => {
  const a = conn();
  const b = { ...conn(), remotePort: 40001 };
  assert.notEqual(retargetConnection(a, 'reviews:9080', 'http'), retargetConnection(b, 'reviews:9080', 'http'));
  assert.equal(retargetConnection(b, 'reviews:9080', 'http')!.connection.remotePort, 40001);
  assert.equal(retargetConnection(a, '', 'http'), undefined);
  assert.equal(retargetConnection(a, 'a:99999', 'http'), undefined);
});
