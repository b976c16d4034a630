// A SecretProvider whose values are set from outside: a worker process fed by its primary over
// IPC, or a test handing certificates to the proxy.
import type { Secret, SecretProvider } from './secret-provider.js';

/** A SecretProvider that also takes new values. */
export interface SecretStore extends SecretProvider {
  /** Sets (or, with undefined, removes) `name` and tells its watchers, unless the value is unchanged. */
  set(name: string, secret: Secret | undefined): void;
}

function sameSecret(a: Secret | undefined, b: Secret | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'validation') return a.trustedCaPem === (b as typeof a).trustedCaPem;
  const c = b as typeof a;
  return a.certificateChainPem === c.certificateChainPem && a.privateKeyPem === c.privateKeyPem;
}

/** Creates an empty store. */
export function createSecretStore(): SecretStore {
  const values = new Map<string, Secret>();
  const watchers = new Map<string, Set<(secret: Secret | undefined) => void>>();
  return {
    get: (name) => values.get(name),
    watch(name, onChange) {
      let set = watchers.get(name);
      if (!set) watchers.set(name, (set = new Set()));
      const entry = (secret: Secret | undefined): void => onChange(secret);
      set.add(entry);
      return () => {
        set.delete(entry);
        if (set.size === 0) watchers.delete(name);
      };
    },
    set(name, secret) {
      if (sameSecret(values.get(name), secret)) return;
      if (secret) values.set(name, secret);
      else values.delete(name);
      for (const fn of [...(watchers.get(name) ?? [])]) fn(secret);
    },
  };
}
