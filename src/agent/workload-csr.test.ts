import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x509 } from '../security/x509.js';
import { createWorkloadCsr } from './workload-csr.js';
import { createWorkloadKey } from './workload-key.js';

const SAN_OID = '2.5.29.17';
const identity = { trustDomain: 'cluster.local', namespace: 'default', serviceAccount: 'bookinfo-reviews' };

test('Should write a CSR signed by the workload key that asks only for its SPIFFE ID', async () => {
  const key = await createWorkloadKey();
  const pem = await createWorkloadCsr(identity, key);
  assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE REQUEST-----$/);
  const csr = new x509.Pkcs10CertificateRequest(pem);
  assert.equal(await csr.verify(), true);
  assert.equal(csr.subject, '');
  assert.deepEqual(Buffer.from(csr.publicKey.rawData), Buffer.from(key.publicKeySpki));
  const san = csr.getExtension(SAN_OID);
  assert.ok(san instanceof x509.SubjectAlternativeNameExtension, 'a subjectAltName extension request');
  assert.equal(san.critical, true);
  assert.deepEqual(san.names.items.map((n) => [n.type, n.value]), [['url', 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews']]);
  assert.equal(csr.extensions.length, 1);
});

test('Should sign the identity it asks for, so that an altered one does not verify', async () => {
  const pem = await createWorkloadCsr(identity, await createWorkloadKey());
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\n/g, ''), 'base64');
  const at = der.indexOf('sa/bookinfo-reviews');
  assert.ok(at > 0);
  der[at + 'sa/bookinfo-reviews'.length - 1] = 'z'.charCodeAt(0);
  const altered = new x509.Pkcs10CertificateRequest(der);
  const san = altered.getExtension(SAN_OID);
  assert.ok(san instanceof x509.SubjectAlternativeNameExtension);
  assert.equal(san.names.items[0]?.value, 'spiffe://cluster.local/ns/default/sa/bookinfo-reviewz');
  assert.equal(await altered.verify(), false);
});
