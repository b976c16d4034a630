// The sidecar's listeners as a set: applies each LDS update as a diff (bind, swap, drain), hands
// redirected connections between listeners, and stops accepting on drain.
import type { Duplex } from 'node:stream';
import type { Logger } from '../../log/index.js';
import type { ListenerConfig } from '../config/listener.js';
import { ActiveListener, type BindSpec, type ConnectionMeta, type ListenerEnvironment } from './active-listener.js';
import type { ConnectionHandler, NetworkFilterFactory, SocketAddress, TerminateTls } from './connection-handler.js';
import { createListenerVersion, retireListenerVersion } from './listener-version.js';
import { isWildcard, localAddressAsOriginalDestination, unmapIpv4, type OriginalDestinationReader } from './original-destination.js';
import { SYSTEM_TIMERS, type Timers } from './timers.js';

export interface ListenerManagerOptions {
  readonly networkFilters: NetworkFilterFactory;
  /** SO_ORIGINAL_DST under capture; by default the socket's local address (explicit mode). */
  readonly originalDestination?: OriginalDestinationReader;
  readonly logger: Logger;
  /** Where to bind a listener instead of its configured address and port (explicit mode, tests). */
  readonly listenAddressFor?: (listener: ListenerConfig) => SocketAddress;
  /**
   * Explicit inbound: the inbound `use_original_dst` listener (virtualInbound) also binds
   * `instanceIp:<port>` for every filter chain's destination port, and such a socket's local
   * address is its original destination.
   */
  readonly explicitInbound?: { readonly instanceIp: string };
  /** Explicit outbound: serves connections on a `use_original_dst` listener that were not redirected. */
  readonly explicitProxy?: ConnectionHandler;
  /**
   * Terminates TLS on chains with `tls`; the handler gets the connection once the handshake is
   * done. Without it such chains refuse connections, since their config demands TLS.
   */
  readonly terminateTls?: TerminateTls;
  /** How long a removed or replaced listener's connections may stay open; default 5 s (Istio's drain duration). */
  readonly drainTimeoutMs?: number;
  readonly timers?: Timers;
}

/** The outcome of one update; a failed listener is NACKed with its reason, the rest applied. */
export interface ApplyResult {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
  readonly failed: readonly { readonly name: string; readonly reason: string }[];
}

export interface ListenerManager {
  /**
   * Makes the live listeners equal to `listeners` (by name): binds new ones, swaps the config of
   * changed ones atomically (open connections keep their chains; a changed address rebinds),
   * and drains removed ones. A listener that fails (bind error, handler factory error) keeps its
   * last good version, if any, and is reported in `failed`. Updates run one at a time.
   */
  apply(listeners: ReadonlyMap<string, ListenerConfig>): Promise<ApplyResult>;
  /** The listener a connection to `address:port` belongs to: exact address first, then a wildcard one. */
  findListenerForDestination(address: string, port: number): ListenerConfig | undefined;
  /**
   * Changes whenever a listener is added, removed or given a new config (and on close): an answer
   * of `findListenerForDestination` stays right for as long as this number does not change.
   */
  readonly generation: number;
  /**
   * Hands a connection (a CONNECT tunnel, say) to the listener for `destination`, which runs its
   * listener filters and chain selection. False, with the socket untouched, when none matches.
   */
  dispatch(socket: Duplex, destination: SocketAddress, meta: ConnectionMeta): boolean;
  /**
   * Stops accepting on every listener, or with `inboundOnly` on the INBOUND ones (as Envoy's
   * `/drain_listeners?inboundonly`: the app's outbound calls keep working); open connections carry
   * on. With `timeoutMs`, resolves once the connections of the stopped listeners (of every
   * listener with `settleAll`, for a shutdown) have ended, destroying those still open after it.
   * What a drain stops stays stopped, as in Envoy: a later apply binds no listener it covers.
   */
  drain(timeoutMs?: number, scope?: DrainScope): Promise<void>;
  /** Stops accepting and destroys every open connection. */
  close(): Promise<void>;
  /** Every bound socket, with the port actually bound. */
  addresses(): { listener: string; address: string; port: number }[];
}

/** Which listeners a drain stops, and whose connections it waits for. */
export interface DrainScope {
  readonly inboundOnly?: boolean;
  readonly settleAll?: boolean;
}

/** Creates the listener manager; nothing is bound until the first `apply`. */
export function createListenerManager(options: ListenerManagerOptions): ListenerManager {
  const active = new Map<string, ActiveListener>();
  const draining = new Set<ActiveListener>();
  const timers = options.timers ?? SYSTEM_TIMERS;
  const drainTimeoutMs = options.drainTimeoutMs ?? 5000;
  let queue: Promise<unknown> = Promise.resolve();
  let generation = 0;

  const find = (destination: SocketAddress, except?: ActiveListener): ActiveListener | undefined => {
    const address = unmapIpv4(destination.address);
    let wildcard: ActiveListener | undefined;
    for (const l of active.values()) {
      if (l === except || l.port !== destination.port) continue;
      if (unmapIpv4(l.version.config.address) === address) return l;
      if (!wildcard && isWildcard(l.version.config.address)) wildcard = l;
    }
    return wildcard;
  };

  const env: ListenerEnvironment = {
    originalDestination: options.originalDestination ?? localAddressAsOriginalDestination,
    timers,
    logger: options.logger,
    findListener: find,
    explicitProxy: options.explicitProxy,
    terminateTls: options.terminateTls,
  };

  const bindSpecs = (config: ListenerConfig): BindSpec[] => {
    if (!config.bindToPort) return [];
    const own = options.listenAddressFor?.(config) ?? { address: config.address, port: config.port };
    const specs: BindSpec[] = [{ ...own, localIsDestination: false }];
    // virtualInbound learns its destination from the original_dst listener filter (Istio leaves
    // use_original_dst to virtualOutbound), so either marks the inbound capture listener.
    const capturing = config.useOriginalDst || config.listenerFilters.includes('original_dst');
    if (options.explicitInbound && capturing && config.trafficDirection === 'INBOUND') {
      const ports = new Set(config.filterChains.map((c) => c.match.destinationPort ?? 0));
      for (const port of ports) {
        if (port !== 0 && port !== config.port && port !== own.port) specs.push({ address: options.explicitInbound.instanceIp, port, localIsDestination: true });
      }
    }
    return specs;
  };

  // What a drain stopped stays stopped, as in Envoy: a later update binds no listener it covers.
  let stopped: DrainScope | undefined;
  const isStopped = (config: ListenerConfig): boolean => stopped !== undefined && (!stopped.inboundOnly || config.trafficDirection === 'INBOUND');

  const retire = (listener: ActiveListener): void => {
    draining.add(listener);
    retireListenerVersion(listener.version);
    void listener.drain(drainTimeoutMs).then(() => draining.delete(listener));
  };

  const applyNow = async (listeners: ReadonlyMap<string, ListenerConfig>): Promise<ApplyResult> => {
    const added: string[] = [];
    const updated: string[] = [];
    const removed: string[] = [];
    const failed: { name: string; reason: string }[] = [];
    for (const [name, config] of listeners) {
      const current = active.get(name);
      if (current && (current.version.config === config || JSON.stringify(current.version.config) === JSON.stringify(config))) continue;
      try {
        const version = createListenerVersion(config, options.networkFilters);
        if (current && sameBinding(bindSpecs(current.version.config), bindSpecs(config))) {
          const old = current.version;
          current.version = version;
          generation++;
          retireListenerVersion(old);
          updated.push(name);
          continue;
        }
        if (isStopped(config)) {
          options.logger.debug({ listener: name }, 'listener not bound: listeners in its direction were drained');
          continue;
        }
        const next = new ActiveListener(version, env);
        await next.bind(bindSpecs(config));
        active.set(name, next);
        generation++;
        if (current) retire(current);
        (current ? updated : added).push(name);
      } catch (err) {
        const reason = `listener ${name}: ${err instanceof Error ? err.message : String(err)}`;
        options.logger.warn({ listener: name, err }, 'listener update rejected');
        failed.push({ name, reason });
      }
    }
    for (const [name, listener] of active) {
      if (listeners.has(name)) continue;
      active.delete(name);
      generation++;
      retire(listener);
      removed.push(name);
    }
    return { added, updated, removed, failed };
  };

  return {
    apply(listeners) {
      const run = queue.then(() => applyNow(listeners));
      queue = run.catch(() => undefined);
      return run;
    },
    findListenerForDestination(address, port) {
      return find({ address, port })?.version.config;
    },
    get generation() {
      return generation;
    },
    dispatch(socket, destination, meta) {
      const target = find(destination);
      if (!target) return false;
      target.serve(socket, meta, destination);
      return true;
    },
    async drain(timeoutMs, scope = {}) {
      // A wider drain widens what stays stopped; a narrower one after a wider one keeps the wider.
      stopped = stopped && !stopped.inboundOnly ? stopped : { inboundOnly: scope.inboundOnly === true };
      const stopping = [...active.values()].filter((l) => isStopped(l.version.config));
      for (const l of stopping) l.stopAccepting();
      if (timeoutMs !== undefined) await Promise.all((scope.settleAll ? [...active.values()] : stopping).map((l) => l.settle(timeoutMs)));
    },
    async close() {
      await queue;
      const all = [...active.values(), ...draining];
      active.clear();
      generation++;
      for (const l of all) {
        l.stopAccepting();
        l.destroyConnections();
      }
      await Promise.all(all.map((l) => l.drain(0)));
    },
    addresses() {
      return [...active.values()].flatMap((l) => l.addresses());
    },
  };
}

function sameBinding(a: readonly BindSpec[], b: readonly BindSpec[]): boolean {
  return a.length === b.length && a.every((s, i) => s.address === b[i]!.address && s.port === b[i]!.port && s.localIsDestination === b[i]!.localIsDestination);
}
