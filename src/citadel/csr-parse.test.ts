import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsr } from './csr-parse.js';
import { createTestCsr, createTestSpiffeCsr } from './testing-csr.js';

async function refusal(pem: string): Promise<string> {
  const result = await parseCsr(pem);
  assert.equal(result.ok, false, 'the CSR is refused');
  assert.equal(result.ok ? undefined : result.error.code, 'bad-csr');
  return result.ok ? '' : result.error.message;
}

test('Should read the SPIFFE identity from a CSR with EC or RSA keys', async () => {
  for (const rsa of [false, true]) {
    const result = await parseCsr(await createTestSpiffeCsr('spiffe://cluster.local/ns/shop/sa/cart', { rsa }));
    assert.ok(result.ok);
    assert.deepEqual(result.value.identity, { trustDomain: 'cluster.local', namespace: 'shop', serviceAccount: 'cart' });
  }
});

test('Should refuse text that is not a CSR', async () => {
  assert.match(await refusal('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'), /not a PEM PKCS#10/);
  assert.match(await refusal('hello'), /not a PEM PKCS#10/);
});

test('Should refuse a CSR whose signature does not verify', async () => {
  const pem = await createTestSpiffeCsr('spiffe://cluster.local/ns/shop/sa/cart');
  const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const der = Buffer.from(body, 'base64');
  der.writeUInt8(der.readUInt8(der.length - 5) ^ 0xff, der.length - 5);
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  assert.match(await refusal(tampered), /signature does not verify/);
});

test('Should refuse a CSR with no URI SAN, two URI SANs, or a URI that is not a SPIFFE ID', async () => {
  assert.match(await refusal(await createTestCsr([])), /exactly one URI SAN/);
  assert.match(await refusal(await createTestCsr([{ type: 'dns', value: 'foo.example' }])), /exactly one URI SAN/);
  const two = await createTestCsr([
    { type: 'url', value: 'spiffe://cluster.local/ns/a/sa/b' },
    { type: 'url', value: 'spiffe://cluster.local/ns/a/sa/c' },
  ]);
  assert.match(await refusal(two), /it has 2/);
  assert.match(await refusal(await createTestSpiffeCsr('spiffe://cluster.local/foo')), /not a SPIFFE ID of the form/);
});
