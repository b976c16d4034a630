// One config version of a listener: its config, its chain selector and a handler per filter
// chain, built once when the version arrives and shared by every connection it accepts.
import type { FilterChainConfig, ListenerConfig } from '../config/listener.js';
import type { ConnectionHandler, NetworkFilterFactory } from './connection-handler.js';
import { createFilterChainSelector, type FilterChainSelector } from './filter-chain-match.js';

export interface ListenerVersion {
  readonly config: ListenerConfig;
  readonly selector: FilterChainSelector;
  /** The handler of each chain (the default chain included), by chain object. */
  readonly handlers: ReadonlyMap<FilterChainConfig, ConnectionHandler>;
}

/** Builds the selector and asks the factory for every chain's handler; a factory that throws fails the version. */
export function createListenerVersion(config: ListenerConfig, factory: NetworkFilterFactory): ListenerVersion {
  const handlers = new Map<FilterChainConfig, ConnectionHandler>();
  for (const chain of config.filterChains) handlers.set(chain, factory.createHandler(chain, config));
  if (config.defaultFilterChain) handlers.set(config.defaultFilterChain, factory.createHandler(config.defaultFilterChain, config));
  return { config, selector: createFilterChainSelector(config), handlers };
}

/** Tells every handler of a version that no new connection will reach it. */
export function retireListenerVersion(version: ListenerVersion): void {
  for (const handler of version.handlers.values()) handler.retire?.();
}
