import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestCa } from '../tls/testing.js';
import { buildSecretsConfigDump, REDACTED_BYTES, SECRETS_CONFIG_DUMP_TYPE } from './admin-secrets-dump.js';

const SPIFFE = 'spiffe://cluster.local/ns/default/sa/reviews';
const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

describe('SecretsConfigDump', () => {
  it('Should dump the SDS certificate chain and roots as Envoy does, with version and update time', async () => {
    const ca = await createTestCa();
    const leaf = await ca.issue({ uris: [SPIFFE] });
    const dump = buildSecretsConfigDump([
      { name: 'ROOTCA', secret: ca.validation, update: { version: 1, lastUpdated: Date.parse('2026-11-29T06:00:00Z') } },
      { name: 'default', secret: leaf.secret, update: { version: 3, lastUpdated: Date.parse('2026-11-29T07:30:00.250Z') } },
    ]);
    assert.equal(dump['@type'], SECRETS_CONFIG_DUMP_TYPE);
    assert.deepEqual(dump.dynamic_warming_secrets, []);
    const [root, chain] = dump.dynamic_active_secrets;
    assert.deepEqual(root, {
      name: 'ROOTCA',
      version_info: '1',
      last_updated: '2026-11-29T06:00:00.000Z',
      secret: { '@type': SECRET_TYPE, name: 'ROOTCA', validation_context: { trusted_ca: { inline_bytes: Buffer.from(ca.rootPem).toString('base64') } } },
    });
    assert.equal(chain?.name, 'default');
    assert.equal(chain?.version_info, '3');
    assert.equal(chain?.last_updated, '2026-11-29T07:30:00.250Z');
    assert.equal(decode(chain?.secret.tls_certificate?.certificate_chain.inline_bytes ?? ''), leaf.secret.certificateChainPem);
    assert.equal(chain?.secret.validation_context, undefined);
  });

  it('Should redact every private key, so no key byte appears anywhere in the dump', async () => {
    const ca = await createTestCa();
    const leaf = await ca.issue({ dnsNames: ['api.example.com'] });
    const dump = buildSecretsConfigDump([
      { name: 'default', secret: leaf.secret },
      { name: 'file-cert:/etc/certs/server.pem~/etc/certs/server.key', secret: leaf.secret },
    ]);
    assert.equal(decode(REDACTED_BYTES), '[redacted]');
    for (const s of dump.dynamic_active_secrets) assert.equal(s.secret.tls_certificate?.private_key.inline_bytes, REDACTED_BYTES);
    const text = JSON.stringify(dump);
    const keyBody = leaf.privateKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '');
    assert.ok(!text.includes(keyBody), 'the key in PEM');
    assert.ok(!text.includes(Buffer.from(leaf.privateKeyPem).toString('base64').slice(0, 40)), 'the key as base64 bytes');
    assert.ok(!text.includes('PRIVATE KEY'));
  });

  it('Should list file certificates as SDS secrets by their names, and a secret without a value as warming', async () => {
    const ca = await createTestCa();
    const dump = buildSecretsConfigDump([
      { name: 'default', secret: undefined },
      { name: 'file-root:/etc/certs/ca.pem', secret: ca.validation },
    ]);
    assert.deepEqual(dump.dynamic_warming_secrets, [{ name: 'default', version_info: '', secret: { '@type': SECRET_TYPE, name: 'default' } }]);
    const [file] = dump.dynamic_active_secrets;
    assert.equal(file?.name, 'file-root:/etc/certs/ca.pem');
    assert.equal(file?.secret.name, 'file-root:/etc/certs/ca.pem');
    assert.equal(decode(file?.secret.validation_context?.trusted_ca.inline_bytes ?? ''), ca.rootPem);
    assert.equal(file?.version_info, '', 'no history was kept');
    assert.equal(file?.last_updated, undefined);
  });
});
