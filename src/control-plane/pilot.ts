// Pilot in the control plane process: the ADS server over Pilot's parts, pushed on every config
// snapshot, every registry change and every change of a fetched JWKS.
import type * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import type { Galley } from '../galley/index.js';
import type { Logger } from '../log/index.js';
import type { MeshConfig } from '../pilot/model/mesh-config.js';
import { JWKS_RESOLVER } from '../pilot/security/authz/authz-filters.js';
import type { JwksFetchMode } from '../pilot/security/authz/jwks-fetch-mode.js';
import type { JwksResolver } from '../pilot/security/authz/jwks-resolver.js';
import { createAdsServer, type AdsServer, type AdsServerOptions } from '../pilot/server/index.js';
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
  /** More gRPC services on the same server and ports (Citadel's CSR service). */
  readonly extraServices?: AdsServerOptions['extraServices'];
  /** A second, TLS port (Istio's 15012; 0 picks a free one) serving the same services. */
  readonly secure?: { readonly port: number; readonly credentials: grpc.ServerCredentials };
  /** Mesh-wide settings (`--mesh-config`); Istio's defaults when absent. */
  readonly meshConfig?: MeshConfig;
  /** The key sets of RequestAuthentications' jwksUri; a change to one pushes to every proxy. The control plane's shared resolver by default. */
  readonly jwks?: Pick<JwksResolver, 'onChange'>;
  /** Who fetches jwksUri key sets (`--jwks-fetch-mode`, PILOT_JWT_ENABLE_REMOTE_JWKS); `istiod` by default. */
  readonly jwksFetchMode?: JwksFetchMode;
}

/** The running Pilot. */
export interface Pilot {
  readonly server: AdsServer;
  /** The bound xDS port. */
  readonly port: number;
  /** The bound TLS port, when one was asked for. */
  readonly securePort?: number;
  stop(): Promise<void>;
}

/** Starts the ADS server and subscribes it to Galley and the registries; resolves once it listens. */
export async function startPilot(galley: Galley, config: PilotConfig, metrics: Registry, log: Logger): Promise<Pilot> {
  const parts = createPilotParts(galley.snapshot(), config.meshConfig, config.jwksFetchMode ? { jwksFetchMode: config.jwksFetchMode } : {});
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
    ...(config.extraServices ? { extraServices: config.extraServices } : {}),
  });
  const unsubscribeRegistry = parts.onRegistryChange((change) =>
    server.push(change.services ? { full: true, reason: 'services' } : { full: false, hosts: change.endpointsOf, reason: 'endpoints' }),
  );
  const unsubscribeGalley = galley.subscribe((snapshot) => {
    parts.updateConfig(snapshot);
    server.push({ full: true, reason: 'config' });
  });
  // Pilot inlines fetched key sets into jwt_authn, so a new or rotated key set must reach the proxies.
  const unsubscribeJwks = (config.jwks ?? JWKS_RESOLVER).onChange(() => server.push({ full: true, reason: 'jwks' }));
  const stopAll = async (): Promise<void> => {
    unsubscribeJwks();
    unsubscribeGalley();
    unsubscribeRegistry();
    await server.close();
    parts.close();
  };
  let port: number;
  let securePort: number | undefined;
  try {
    port = await server.listen(config.host, config.port);
    if (config.secure) securePort = await server.listen(config.host, config.secure.port, config.secure.credentials);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    server,
    port,
    ...(securePort !== undefined ? { securePort } : {}),
    stop: stopAll,
  };
}
