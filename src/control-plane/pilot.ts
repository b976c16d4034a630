// Pilot in the control plane process: the ADS server over Pilot's parts, pushed on every config
// snapshot and every registry change.
import type { Registry } from 'prom-client';
import type { Galley } from '../galley/index.js';
import type { Logger } from '../log/index.js';
import { createAdsServer, type AdsServer } from '../pilot/server/index.js';
import { createPilotParts } from './pilot-parts.js';

/** Where Pilot listens and how it debounces pushes. */
export interface PilotConfig {
  /** Address the xDS server binds. */
  readonly host: string;
  /** xDS port (Istio's 15010); 0 picks a free one. */
  readonly port: number;
  /** Push debounce: quiet time, and longest wait, in ms (Istio: 100 and 10 000). */
  readonly debounceMs: number;
  readonly maxDebounceMs: number;
}

/** The running Pilot. */
export interface Pilot {
  readonly server: AdsServer;
  /** The bound xDS port. */
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the ADS server and subscribes it to Galley and the registries; resolves once it listens. */
export async function startPilot(galley: Galley, config: PilotConfig, metrics: Registry, log: Logger): Promise<Pilot> {
  const parts = createPilotParts(galley.snapshot());
  let pushes = 0;
  const server = createAdsServer({
    generators: parts.generators,
    parseProxy: parts.parseProxy,
    hooks: parts.hooks,
    createPushContext: () => {
      const snapshot = galley.snapshot();
      return parts.createPushContext(snapshot, `${snapshot.version}.${++pushes}`);
    },
    log,
    metricsRegistry: metrics,
    debounceMs: config.debounceMs,
    maxDebounceMs: config.maxDebounceMs,
  });
  const unsubscribeRegistry = parts.onRegistryChange((change) =>
    server.push(change.services ? { full: true, reason: 'services' } : { full: false, hosts: change.endpointsOf, reason: 'endpoints' }),
  );
  const unsubscribeGalley = galley.subscribe((snapshot) => {
    parts.updateConfig(snapshot);
    server.push({ full: true, reason: 'config' });
  });
  const port = await server.listen(config.host, config.port);
  return {
    server,
    port,
    async stop() {
      unsubscribeGalley();
      unsubscribeRegistry();
      await server.close();
      parts.close();
    },
  };
}
