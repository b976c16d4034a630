// What the ADS server needs from the rest of Pilot and from the control plane, and nothing more:
// the protocol lives here, the policy (registry, push context, generators) comes in through these.
import type { Node__Output } from '../../xds/index.js';
import type { Generator } from '../generators/generator.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';

/**
 * Generators by key, as built by {@link generatorKey}: `grpc/<type URL>` for proxyless gRPC,
 * `router/<type URL>` or `sidecar/<type URL>` for one proxy type, or the bare type URL for every
 * Envoy-style proxy. The most specific key wins (Istio's lookup order).
 */
export type Generators = ReadonlyMap<string, Generator>;

/** Turns a stream's node into the proxy it serves, or says why it is refused. */
export type ParseProxy = (node: Node__Output) =>
  | { readonly ok: true; readonly proxy: Proxy }
  | { readonly ok: false; readonly error: string };

/** Builds the immutable index for one push from the current config and registry. */
export type PushContextFactory = () => PushContext;

/** Called as proxies connect and disconnect, for workload auto-registration. */
export interface ConnectionHooks {
  onConnect?(proxy: Proxy): void;
  onDisconnect?(proxy: Proxy): void;
}

/**
 * A change that may need a push. `full` (config, or services) pushes every type to every proxy;
 * otherwise only EDS is pushed, and only to proxies that watch clusters of `hosts` (all proxies
 * when `hosts` is absent).
 */
export interface PushTrigger {
  readonly full: boolean;
  readonly hosts?: readonly string[];
  /** Why: `config`, `endpoints`, `services`, `debug`; used in logs and metrics. */
  readonly reason: string;
}
