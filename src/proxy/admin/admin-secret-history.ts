// Remembers when each SDS secret's value reached the proxy, as Envoy keeps `version_info` and
// `last_updated` per secret, so the admin's SecretsConfigDump can say when a rotation landed.
import type { Secret, SecretProvider } from '../tls/secret-provider.js';

/** One secret's update record: how many values it has had, and when the current one arrived. */
export interface SecretUpdate {
  /** Counts values from 1 (the first value); a later withdrawal counts too. */
  readonly version: number;
  /** Epoch ms of the first read or notification that carried the current value. */
  readonly lastUpdated: number;
}

/** A provider that passes everything through to another and records each value change. */
export interface SecretHistory extends SecretProvider {
  /** The record of `name`, or undefined while no value of it has been seen. */
  updateOf(name: string): SecretUpdate | undefined;
}

interface Entry {
  value: Secret | undefined;
  update: SecretUpdate;
}

/** Whether two values carry the same certificate and key, or the same roots. */
function sameSecret(a: Secret | undefined, b: Secret | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.kind === 'certificate' && b.kind === 'certificate') return a.certificateChainPem === b.certificateChainPem && a.privateKeyPem === b.privateKeyPem;
  return a.kind === 'validation' && b.kind === 'validation' && a.trustedCaPem === b.trustedCaPem;
}

/**
 * Wraps `provider`. The TLS contexts read and watch the secrets their config names through the
 * wrapper, so a value is stamped when the proxy first uses it and a rotation when it is notified.
 * `now` gives epoch ms (Date.now by default).
 */
export function createSecretHistory(provider: SecretProvider, now: () => number = Date.now): SecretHistory {
  const entries = new Map<string, Entry>();
  const record = (name: string, value: Secret | undefined): void => {
    const entry = entries.get(name);
    // A name that has never had a value has no version yet: Envoy shows it as warming.
    if (!entry) {
      if (value !== undefined) entries.set(name, { value, update: { version: 1, lastUpdated: now() } });
    } else if (!sameSecret(entry.value, value)) entries.set(name, { value, update: { version: entry.update.version + 1, lastUpdated: now() } });
  };
  return {
    get(name) {
      const value = provider.get(name);
      record(name, value);
      return value;
    },
    watch(name, onChange) {
      return provider.watch(name, (value) => {
        record(name, value);
        onChange(value);
      });
    },
    updateOf: (name) => entries.get(name)?.update,
  };
}

/** Whether `provider` keeps a history (the sidecar wraps its provider in one). */
export function isSecretHistory(provider: SecretProvider): provider is SecretHistory {
  return typeof (provider as Partial<SecretHistory>).updateOf === 'function';
}
