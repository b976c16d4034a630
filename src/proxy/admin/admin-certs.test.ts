import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createTestCa } from '../tls/testing.js';
import { certificateDetails, formatCertificates } from './admin-certs.js';

const SPIFFE = 'spiffe://cluster.local/ns/default/sa/reviews';

describe('/certs', () => {
  it('Should list the SDS certificate chain and roots as Envoy does, with SANs, serial and days left', async () => {
    const ca = await createTestCa();
    const notBefore = new Date('2026-11-29T00:00:00Z');
    const notAfter = new Date('2026-11-30T12:00:00Z');
    const leaf = await ca.issue({ uris: [SPIFFE], notBefore, notAfter });
    const now = Date.parse('2026-11-29T06:00:00Z');
    const out = formatCertificates([
      { name: 'ROOTCA', secret: ca.validation },
      { name: 'default', secret: leaf.secret },
      { name: 'file-root:/etc/certs/missing.pem', secret: undefined },
    ], now);
    assert.equal(out.certificates.length, 2, 'a secret without a value is left out');
    const [roots, chain] = out.certificates;
    assert.deepEqual(roots!.cert_chain, []);
    assert.equal(roots!.ca_cert.length, 1);
    assert.equal(roots!.ca_cert[0]!.path, '<inline>');
    const detail = chain!.cert_chain[0]!;
    assert.deepEqual(detail.subject_alt_names, [{ uri: SPIFFE }]);
    assert.equal(detail.serial_number, new X509Certificate(leaf.certificatePem).serialNumber.toLowerCase());
    assert.equal(detail.days_until_expiration, '1');
    assert.equal(detail.valid_from, '2026-11-29T00:00:00.000Z');
    assert.equal(detail.expiration_time, '2026-11-30T12:00:00.000Z');
  });

  it('Should name the files of file-based secrets and say 0 days once a certificate has expired', async () => {
    const ca = await createTestCa();
    const leaf = await ca.issue({ dnsNames: ['api.example.com'], notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-02-01T00:00:00Z') });
    const out = formatCertificates([
      { name: 'file-cert:/etc/certs/server.pem~/etc/certs/server.key', secret: leaf.secret },
      { name: 'file-root:/etc/certs/ca.pem', secret: ca.validation },
    ], Date.parse('2026-11-29T00:00:00Z'));
    assert.equal(out.certificates[0]!.cert_chain[0]!.path, '/etc/certs/server.pem');
    assert.deepEqual(out.certificates[0]!.cert_chain[0]!.subject_alt_names, [{ dns: 'api.example.com' }]);
    assert.equal(out.certificates[0]!.cert_chain[0]!.days_until_expiration, '0');
    assert.equal(out.certificates[1]!.ca_cert[0]!.path, '/etc/certs/ca.pem');
  });

  it('Should skip a PEM block that does not parse and keep the others', async () => {
    const ca = await createTestCa();
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----';
    const details = certificateDetails(`${broken}\n${ca.rootPem}`, '<inline>', Date.now());
    assert.equal(details.length, 1);
  });
});
