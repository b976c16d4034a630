import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { buildSecretsConfigDump } from '../../proxy/admin/admin-secrets-dump.js';
import { createTestCa } from '../../proxy/tls/testing.js';
import { secretsDumpOf, secretTable, SECRETS_CONFIG_DUMP_TYPE } from './proxy-config-secrets.js';
import { formatTable } from './table.js';

const hexSerial = (pem: string): string => BigInt(`0x${new X509Certificate(pem).serialNumber}`).toString(16);

test('Should print the secret table as istioctl does: the leaf of the chain and the root, ACTIVE, with serial and validity in UTC', async () => {
  const ca = await createTestCa();
  // Whole seconds, as certificates keep them.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const leaf = await ca.issue({ uris: ['spiffe://cluster.local/ns/default/sa/reviews'], notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 3_600_000) });
  const dump = buildSecretsConfigDump([
    { name: 'ROOTCA', secret: ca.validation },
    { name: 'default', secret: leaf.secret },
  ]);
  const root = new X509Certificate(ca.rootPem);
  const utc = (d: string | number): string => new Date(d).toISOString().replace('.000Z', 'Z');
  const table = secretTable(dump, now);
  const serial = hexSerial(leaf.certificatePem);
  assert.ok(!serial.startsWith('0') && serial === serial.toLowerCase(), `hex without leading zeros: ${serial}`);
  assert.deepEqual(table.rows, [
    ['ROOTCA', 'CA', 'ACTIVE', 'true', hexSerial(ca.rootPem), utc(root.validTo), utc(root.validFrom)],
    ['default', 'Cert Chain', 'ACTIVE', 'true', serial, utc(now + 3_600_000), utc(now - 3_600_000)],
  ]);
  assert.match(utc(now), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const [header] = formatTable(table).split('\n');
  assert.match(header!, /^RESOURCE NAME +TYPE +STATUS +VALID CERT +SERIAL NUMBER +NOT AFTER +NOT BEFORE$/);
});

test('Should mark a certificate outside its validity window as not valid, and list warming secrets first', async () => {
  const ca = await createTestCa();
  const leaf = await ca.issue({ notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-02-01T00:00:00Z') });
  const dump = buildSecretsConfigDump([
    { name: 'file-cert:/etc/certs/server.pem~/etc/certs/server.key', secret: leaf.secret },
    { name: 'ROOTCA', secret: undefined },
  ]);
  const rows = (now: string) => secretTable(dump, Date.parse(now)).rows;
  assert.deepEqual(rows('2026-11-29T00:00:00Z'), [
    ['ROOTCA', '-', 'WARMING', 'false', '-', '-', '-'],
    ['file-cert:/etc/certs/server.pem~/etc/certs/server.key', 'Cert Chain', 'ACTIVE', 'false', hexSerial(leaf.certificatePem), '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z'],
  ]);
  assert.equal(rows('2025-12-31T23:59:59Z')[1]![3], 'false', 'not yet valid');
  assert.equal(rows('2026-01-15T00:00:00Z')[1]![3], 'true');
});

test('Should show a secret whose bytes are not a certificate as not valid rather than fail', () => {
  const garbage = Buffer.from('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n').toString('base64');
  const { rows } = secretTable({
    dynamic_active_secrets: [{ name: 'default', secret: { name: 'default', tls_certificate: { certificate_chain: { inline_bytes: garbage } } } }],
  }, Date.now());
  assert.deepEqual(rows, [['default', 'Cert Chain', 'ACTIVE', 'false', '-', '-', '-']]);
});

test('Should find the SecretsConfigDump among the configs, take a dump without one as empty, and refuse a body that is no config dump', () => {
  const secrets = { '@type': SECRETS_CONFIG_DUMP_TYPE, dynamic_active_secrets: [{ name: 'x' }] };
  assert.deepEqual(secretsDumpOf({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump' }, secrets] }), secrets);
  assert.deepEqual(secretTable(secretsDumpOf({ configs: [] })!, Date.now()).rows, []);
  assert.equal(secretsDumpOf({ certificates: [] }), undefined);
});
