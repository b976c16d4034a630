// Ships secrets from the primary process to its workers (--concurrency): the primary watches the
// secrets the config names and sends every value over the IPC channel between the proxy's own
// processes; each worker feeds them into its SecretStore.
import type { ClusterConfig } from '../config/cluster.js';
import type { ListenerConfig } from '../config/listener.js';
import type { Secret, SecretProvider } from './secret-provider.js';
import type { SecretStore } from './secret-store.js';

/** One secret's value (undefined: withdrawn), primary to worker. */
export interface SecretMessage {
  readonly type: 'heddle:secret';
  readonly name: string;
  readonly secret: Secret | undefined;
}

/** Every SDS secret name the listeners' filter chains and the clusters' transport sockets use. */
export function referencedSecretNames(listeners: Iterable<ListenerConfig>, clusters: Iterable<ClusterConfig>): Set<string> {
  const names = new Set<string>();
  const add = (tls: { readonly certificateSecret?: string; readonly validationSecret?: string } | undefined): void => {
    if (tls?.certificateSecret !== undefined) names.add(tls.certificateSecret);
    if (tls?.validationSecret !== undefined) names.add(tls.validationSecret);
  };
  for (const l of listeners) {
    for (const chain of l.filterChains) add(chain.tls);
    add(l.defaultFilterChain?.tls);
  }
  for (const c of clusters) for (const m of c.transportSocketMatches) add(m.tls);
  return names;
}

export interface SecretRelay {
  /** Watches `names` from now on (names already watched stay), sending each current value. */
  track(names: Iterable<string>): void;
  /** Sends every tracked secret's current value through `send` (a worker that just started). */
  replay(send: (message: SecretMessage) => void): void;
  close(): void;
}

/** The primary side: every value and change goes to `broadcast` (every worker). */
export function createSecretRelay(provider: SecretProvider, broadcast: (message: SecretMessage) => void): SecretRelay {
  const watches = new Map<string, () => void>();
  return {
    track(names) {
      for (const name of names) {
        if (watches.has(name)) continue;
        watches.set(name, provider.watch(name, (secret) => broadcast({ type: 'heddle:secret', name, secret })));
        broadcast({ type: 'heddle:secret', name, secret: provider.get(name) });
      }
    },
    replay(send) {
      for (const name of watches.keys()) send({ type: 'heddle:secret', name, secret: provider.get(name) });
    },
    close() {
      for (const stop of watches.values()) stop();
      watches.clear();
    },
  };
}

/** The worker side: applies a relayed message to the worker's store. */
export function applySecretMessage(store: SecretStore, message: SecretMessage): void {
  store.set(message.name, message.secret);
}
