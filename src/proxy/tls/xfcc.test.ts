import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionInfo } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import { mutateForwardedClientCert } from './xfcc.js';

const HASH = 'ab'.repeat(32);
const base: ConnectionInfo = { remoteAddress: '10.0.0.2', remotePort: 40000, localAddress: '10.0.0.7', localPort: 15006, destinationAddress: '10.0.0.7', destinationPort: 9080, tls: false };
const mtls: ConnectionInfo = {
  ...base,
  tls: true,
  localPrincipal: 'spiffe://cluster.local/ns/default/sa/reviews',
  peerCertificate: { principal: 'spiffe://cluster.local/ns/default/sa/productpage', uriSans: ['spiffe://cluster.local/ns/default/sa/productpage'], dnsSans: [], subject: '', sha256: HASH },
};
const OURS = `By=spiffe://cluster.local/ns/default/sa/reviews;Hash=${HASH};Subject="";URI=spiffe://cluster.local/ns/default/sa/productpage`;

test("Should replace a client-sent x-forwarded-client-cert with the peer's details under SANITIZE_SET", () => {
  const headers = new HeaderMap(['x-forwarded-client-cert', 'By=spiffe://evil;URI=spiffe://forged']);
  mutateForwardedClientCert(headers, mtls, 'SANITIZE_SET');
  assert.deepEqual(headers.getAll('x-forwarded-client-cert'), [OURS]);
});

test('Should append our element under APPEND_FORWARD over mTLS', () => {
  const headers = new HeaderMap(['x-forwarded-client-cert', 'By=spiffe://a;URI=spiffe://b']);
  mutateForwardedClientCert(headers, mtls, 'APPEND_FORWARD');
  assert.equal(headers.get('x-forwarded-client-cert'), `By=spiffe://a;URI=spiffe://b,${OURS}`);
});

test('Should remove x-forwarded-client-cert when the connection is not mTLS, and under SANITIZE', () => {
  for (const [connection, mode] of [[base, 'SANITIZE_SET'], [base, 'APPEND_FORWARD'], [mtls, 'SANITIZE'], [mtls, undefined]] as const) {
    const headers = new HeaderMap(['x-forwarded-client-cert', 'URI=spiffe://forged']);
    mutateForwardedClientCert(headers, connection, mode);
    assert.equal(headers.has('x-forwarded-client-cert'), false, `mode ${mode}, tls ${connection.tls}`);
  }
});

test('Should add DNS SANs and escape quotes in the subject', () => {
  const headers = new HeaderMap();
  const peer = { ...mtls.peerCertificate!, subject: 'CN=a "b"', dnsSans: ['x.example.com'] };
  mutateForwardedClientCert(headers, { ...mtls, peerCertificate: peer }, 'SANITIZE_SET');
  assert.match(headers.get('x-forwarded-client-cert') ?? '', /;Subject="CN=a \\"b\\"";URI=spiffe:\/\/cluster.local\/ns\/default\/sa\/productpage;DNS=x.example.com$/);
});

test("Should write the same element for every request on a connection, and follow a change of our own principal", () => {
  for (let i = 0; i < 2; i++) {
    const headers = new HeaderMap();
    mutateForwardedClientCert(headers, mtls, 'SANITIZE_SET');
    assert.equal(headers.get('x-forwarded-client-cert'), OURS, `request ${i}`);
  }
  const rotated: ConnectionInfo = { ...mtls, localPrincipal: 'spiffe://cluster.local/ns/default/sa/reviews-v2' };
  const headers = new HeaderMap();
  mutateForwardedClientCert(headers, rotated, 'SANITIZE_SET');
  assert.equal(headers.get('x-forwarded-client-cert'), OURS.replace('sa/reviews;', 'sa/reviews-v2;'));
});
