import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { parsePeerCertificate } from './peer-certificate.js';
import { createTestCa } from './testing.js';

test('Should read the SPIFFE ID of a workload certificate whose subject is empty', async () => {
  const ca = await createTestCa();
  const leaf = await ca.issue({ commonName: '', uris: ['spiffe://cluster.local/ns/default/sa/reviews'] });
  const peer = parsePeerCertificate(new X509Certificate(leaf.certificatePem));
  assert.equal(peer.subject, '');
  assert.equal(peer.principal, 'spiffe://cluster.local/ns/default/sa/reviews');
  assert.deepEqual(peer.uriSans, ['spiffe://cluster.local/ns/default/sa/reviews']);
  assert.match(peer.sha256, /^[0-9a-f]{64}$/);
});

test('Should print a subject most specific part first, as RFC 2253 does', async () => {
  const ca = await createTestCa();
  const leaf = await ca.issue({ commonName: 'gateway', dnsNames: ['example.com'] });
  const peer = parsePeerCertificate(new X509Certificate(leaf.certificatePem));
  assert.equal(peer.subject, 'O=Heddle,CN=gateway');
  assert.equal(peer.principal, undefined);
  assert.deepEqual(peer.dnsSans, ['example.com']);
});
