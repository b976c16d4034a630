import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySecretMessage, createSecretRelay, referencedSecretNames, type SecretMessage } from './secret-relay.js';
import { createSecretStore } from './secret-store.js';
import type { Secret } from './secret-provider.js';
import { chain, listener } from '../listener/listener-fixtures.js';

const CERT: Secret = { kind: 'certificate', certificateChainPem: 'chain-1', privateKeyPem: 'key-1' };
const ROTATED: Secret = { kind: 'certificate', certificateChainPem: 'chain-2', privateKeyPem: 'key-2' };
const ROOT: Secret = { kind: 'validation', trustedCaPem: 'root' };

test('Should ship the referenced secrets to a worker and re-send them on rotation', () => {
  const primary = createSecretStore();
  primary.set('default', CERT);
  const worker = createSecretStore();
  const sent: SecretMessage[] = [];
  const relay = createSecretRelay(primary, (m) => {
    sent.push(structuredClone(m));
    applySecretMessage(worker, structuredClone(m));
  });
  const seen: (Secret | undefined)[] = [];
  worker.watch('default', (s) => seen.push(s));
  relay.track(['default', 'ROOTCA']);
  assert.deepEqual(worker.get('default'), CERT);
  assert.equal(worker.get('ROOTCA'), undefined);
  primary.set('ROOTCA', ROOT);
  primary.set('default', ROTATED);
  assert.deepEqual(worker.get('ROOTCA'), ROOT);
  assert.deepEqual(worker.get('default'), ROTATED);
  assert.deepEqual(seen, [CERT, ROTATED]);
  relay.track(['default']);
  assert.equal(sent.filter((m) => m.name === 'default').length, 2, 'a name already tracked is not sent again');
  const replayed: SecretMessage[] = [];
  relay.replay((m) => replayed.push(m));
  assert.deepEqual(replayed.map((m) => m.name).sort(), ['ROOTCA', 'default']);
  relay.close();
  primary.set('default', CERT);
  assert.deepEqual(worker.get('default'), ROTATED, 'nothing is relayed after close');
});

test("Should collect the secret names of filter chains and clusters' transport sockets", () => {
  const l = listener('inbound', { filterChains: [{ ...chain('a'), tls: { requireClientCertificate: true, alpn: [], certificateSecret: 'default', validationSecret: 'ROOTCA' } }, chain('b')] });
  const names = referencedSecretNames([l], [{ transportSocketMatches: [{ name: 'm', match: {}, tls: { alpn: [], certificateSecret: 'file-cert:/c.pem~/k.pem', validationSecret: 'file-root:/r.pem', matchSubjectAltNames: [] } }] } as never]);
  assert.deepEqual([...names].sort(), ['ROOTCA', 'default', 'file-cert:/c.pem~/k.pem', 'file-root:/r.pem']);
});
