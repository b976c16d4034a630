import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret, SecretProvider } from '../tls/secret-provider.js';
import { createSecretHistory, isSecretHistory } from './admin-secret-history.js';

/** A provider whose values the test sets, notifying watchers as the agent does on rotation. */
function fakeProvider() {
  const values = new Map<string, Secret | undefined>();
  const watchers = new Map<string, ((s: Secret | undefined) => void)[]>();
  const provider: SecretProvider = {
    get: (name) => values.get(name),
    watch(name, onChange) {
      watchers.set(name, [...(watchers.get(name) ?? []), onChange]);
      return () => watchers.set(name, (watchers.get(name) ?? []).filter((w) => w !== onChange));
    },
  };
  const set = (name: string, value: Secret | undefined): void => {
    values.set(name, value);
    for (const w of watchers.get(name) ?? []) w(value);
  };
  return { provider, set };
}

const cert = (pem: string): Secret => ({ kind: 'certificate', certificateChainPem: pem, privateKeyPem: 'key' });

describe('Secret history', () => {
  it('Should stamp a rotation when the watchers are told, not when the admin next reads it', () => {
    let now = 1_000;
    const { provider, set } = fakeProvider();
    const history = createSecretHistory(provider, () => now);
    const seen: (Secret | undefined)[] = [];
    history.watch('default', (s) => seen.push(s));
    assert.equal(history.updateOf('default'), undefined, 'no value yet');
    set('default', cert('a'));
    now = 2_000;
    assert.deepEqual(history.updateOf('default'), { version: 1, lastUpdated: 1_000 });
    set('default', cert('b'));
    now = 9_000;
    history.get('default');
    assert.deepEqual(history.updateOf('default'), { version: 2, lastUpdated: 2_000 });
    assert.equal(seen.length, 2, 'the watcher still gets every value');
  });

  it('Should count a value read through get once, however often it is read, and count a withdrawal', () => {
    let now = 5;
    const { provider, set } = fakeProvider();
    const history = createSecretHistory(provider, () => now);
    set('ROOTCA', { kind: 'validation', trustedCaPem: 'root' });
    history.get('ROOTCA');
    now = 6;
    // The same roots in a new object are no update.
    set('ROOTCA', { kind: 'validation', trustedCaPem: 'root' });
    history.get('ROOTCA');
    assert.deepEqual(history.updateOf('ROOTCA'), { version: 1, lastUpdated: 5 });
    now = 7;
    set('ROOTCA', undefined);
    assert.equal(history.get('ROOTCA'), undefined);
    assert.deepEqual(history.updateOf('ROOTCA'), { version: 2, lastUpdated: 7 });
  });

  it('Should be told apart from a plain provider', () => {
    const { provider } = fakeProvider();
    assert.equal(isSecretHistory(provider), false);
    assert.equal(isSecretHistory(createSecretHistory(provider)), true);
  });
});
