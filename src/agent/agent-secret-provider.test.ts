import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from '../proxy/tls/secret-provider.js';
import { createAgentSecretProvider } from './agent-secret-provider.js';
import type { FileSecrets } from './file-secrets.js';
import type { IdentityManager } from './identity-manager.js';
import type { WorkloadCertificate } from './workload-certificate.js';

function cert(serial: string, roots = ['ROOT-A\n']): WorkloadCertificate {
  return { spiffeId: 'spiffe://td/ns/n/sa/s', certificateChainPem: `LEAF-${serial}\nINTERMEDIATE\n`, privateKeyPem: `KEY-${serial}`, trustBundlePem: roots, serialNumber: serial, notBefore: 0, notAfter: 1 };
}

/** An identity manager driven by hand. */
function fakeIdentity() {
  let current: WorkloadCertificate | undefined;
  const listeners = new Set<(c: WorkloadCertificate | undefined) => void>();
  const manager: IdentityManager = {
    start: () => undefined,
    stop: () => undefined,
    current: () => current,
    onChange: (l) => (listeners.add(l), () => void listeners.delete(l)),
    settled: async () => undefined,
    status: () => ({ spiffeId: '', state: 'pending', consecutiveFailures: 0 }),
  };
  const set = (c: WorkloadCertificate | undefined) => {
    current = c;
    for (const l of listeners) l(c);
  };
  return { manager, set, listeners };
}

const NO_FILES: FileSecrets = { get: () => undefined, watch: () => () => undefined, close: () => undefined };

describe('AgentSecretProvider', () => {
  it('Should serve the chain with its key as default and the trust bundle as ROOTCA', () => {
    const id = fakeIdentity();
    const provider = createAgentSecretProvider({ identity: id.manager, files: NO_FILES });
    assert.equal(provider.get('default'), undefined, 'nothing before the first certificate');
    id.set(cert('1', ['ROOT-A\n', 'ROOT-B\n']));
    assert.deepEqual(provider.get('default'), { kind: 'certificate', certificateChainPem: 'LEAF-1\nINTERMEDIATE\n', privateKeyPem: 'KEY-1' });
    assert.deepEqual(provider.get('ROOTCA'), { kind: 'validation', trustedCaPem: 'ROOT-A\nROOT-B\n' });
    assert.equal(provider.get('default'), provider.get('default'), 'the same object until a rotation');
    assert.equal(provider.get('other'), undefined);
  });

  it('Should call default watchers on every rotation and on expiry', () => {
    const id = fakeIdentity();
    const provider = createAgentSecretProvider({ identity: id.manager, files: NO_FILES });
    const seen: Array<Secret | undefined> = [];
    const stop = provider.watch('default', (s) => seen.push(s));
    id.set(cert('1'));
    id.set(cert('2'));
    id.set(undefined);
    assert.deepEqual(seen.map((s) => (s?.kind === 'certificate' ? s.privateKeyPem : s)), ['KEY-1', 'KEY-2', undefined]);
    stop();
    id.set(cert('3'));
    assert.equal(seen.length, 3, 'no call after unwatching');
    assert.equal(id.listeners.size, 0);
  });

  it('Should call ROOTCA watchers only when the trust bundle changes', () => {
    const id = fakeIdentity();
    id.set(cert('1'));
    const provider = createAgentSecretProvider({ identity: id.manager, files: NO_FILES });
    const seen: Array<Secret | undefined> = [];
    provider.watch('ROOTCA', (s) => seen.push(s));
    id.set(cert('2'));
    assert.deepEqual(seen, []);
    id.set(cert('3', ['ROOT-A\n', 'ROOT-B\n']));
    assert.deepEqual(seen, [{ kind: 'validation', trustedCaPem: 'ROOT-A\nROOT-B\n' }]);
  });

  it('Should serve no identity secrets without an identity, and still serve file secrets', () => {
    const file: Secret = { kind: 'validation', trustedCaPem: 'FILE-ROOT' };
    const files: FileSecrets = { ...NO_FILES, get: (name) => (name === 'file-root:/r.pem' ? file : undefined) };
    const provider = createAgentSecretProvider({ files });
    assert.equal(provider.get('default'), undefined);
    assert.equal(provider.get('ROOTCA'), undefined);
    assert.equal(provider.get('file-root:/r.pem'), file);
    provider.watch('default', () => assert.fail('never called'))();
  });
});
