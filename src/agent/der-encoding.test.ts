import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DER_TAG, derObjectIdentifier, encodeDer } from './der-encoding.js';

const hex = (b: Buffer) => b.toString('hex');

test('Should encode object identifiers in base 128 with the first two arcs joined', () => {
  assert.equal(hex(encodeDer(derObjectIdentifier('2.5.29.17'))), '0603551d11');
  assert.equal(hex(encodeDer(derObjectIdentifier('1.2.840.113549.1.9.14'))), '06092a864886f70d01090e');
  assert.equal(hex(encodeDer(derObjectIdentifier('1.2.840.10045.4.3.2'))), '06082a8648ce3d040302');
});

test('Should refuse a malformed object identifier', () => {
  for (const bad of ['', '1', '1.x', '3.1', '1.40', '1.-2']) assert.throws(() => derObjectIdentifier(bad), /not an object identifier/, bad);
});

test('Should write short and long lengths in their shortest form', () => {
  assert.equal(hex(encodeDer({ tag: DER_TAG.octetString, content: Buffer.alloc(0) })), '0400');
  assert.equal(hex(encodeDer({ tag: DER_TAG.octetString, content: Buffer.alloc(127) })).slice(0, 4), '047f');
  assert.equal(hex(encodeDer({ tag: DER_TAG.octetString, content: Buffer.alloc(200) })).slice(0, 6), '0481c8');
  assert.equal(hex(encodeDer({ tag: DER_TAG.octetString, content: Buffer.alloc(300) })).slice(0, 8), '0482012c');
  assert.equal(encodeDer({ tag: DER_TAG.octetString, content: Buffer.alloc(70_000) }).length, 70_000 + 5);
});

test('Should nest children and pass pre-encoded values through unchanged', () => {
  const inner = encodeDer({ tag: DER_TAG.integer, content: Uint8Array.of(5) });
  const outer = encodeDer({ tag: DER_TAG.sequence, content: [{ encoded: inner }, { tag: DER_TAG.boolean, content: Uint8Array.of(0xff) }, { tag: DER_TAG.sequence, content: [] }] });
  assert.equal(hex(outer), '3008' + '020105' + '0101ff' + '3000');
});
