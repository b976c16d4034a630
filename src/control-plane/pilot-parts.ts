// Pilot's policy side, assembled: the service registries, the push context built over them, the
// generators by proxy kind, and proxy parsing. The ADS server sees only these interfaces; this
// file is the one place that names the implementations.
import type { ConfigSnapshot } from '../galley/index.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../xds/index.js';
import { cachedByView } from '../pilot/generators/cached-generator.js';
import { createClusterGenerator } from '../pilot/generators/cds/cluster-generator.js';
import { endpointGenerator } from '../pilot/generators/eds/endpoint-generator.js';
import { createGatewayLdsGenerator, createGrpcLdsGenerator, createSidecarLdsGenerator } from '../pilot/generators/lds/lds-generator.js';
import type { JwksFetchMode } from '../pilot/security/authz/jwks-fetch-mode.js';
import { createIstioListenerSecurity } from '../pilot/security/listener-security.js';
import { createGatewayRdsGenerator, createGrpcRdsGenerator, createSidecarRdsGenerator } from '../pilot/generators/rds/rds-generator.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../pilot/model/mesh-config.js';
import { parseProxy } from '../pilot/model/parse-proxy.js';
import type { PushContext } from '../pilot/model/push-context.js';
import type { RegistryChange } from '../pilot/model/service.js';
import { createPushContext } from '../pilot/push-context.js';
import { createAggregateRegistry } from '../pilot/registry/aggregate-registry.js';
import { createConfigRegistry } from '../pilot/registry/config-registry.js';
import { createWorkloadRegistry } from '../pilot/registry/workload-registry.js';
import { generatorKey, type ConnectionHooks, type Generators, type ParseProxy } from '../pilot/server/index.js';

/** What the control plane wires into the ADS server. */
export interface PilotParts {
  readonly generators: Generators;
  readonly parseProxy: ParseProxy;
  /** Auto-registration: a connecting proxy's workload joins the registry, and leaves after a grace. */
  readonly hooks: ConnectionHooks;
  /** Subscribes to service and endpoint changes of every registry; returns an unsubscribe function. */
  onRegistryChange(listener: (change: RegistryChange) => void): () => void;
  /** Builds the push context of `snapshot` over the registries as they are now. */
  createPushContext(snapshot: ConfigSnapshot, version: string): PushContext;
  /** Takes a new config snapshot into the registries (ServiceEntries, WorkloadEntries, selectors). */
  updateConfig(snapshot: ConfigSnapshot): void;
  close(): void;
}

/** Choices the control plane's flags make about what Pilot generates. */
export interface PilotPartsOptions {
  /** Who fetches RequestAuthentications' jwksUri key sets; `istiod` (Pilot inlines them) by default. */
  readonly jwksFetchMode?: JwksFetchMode;
}

/** The generators, keyed as the ADS server looks them up (see generatorKey). */
export function createGenerators(options: PilotPartsOptions = {}): Generators {
  const security = createIstioListenerSecurity({ jwksFetchMode: options.jwksFetchMode ?? 'istiod' });
  return new Map([
    // Clusters, endpoints and routes depend only on the push and the proxy's view, so proxies
    // that share a view share them; sidecar listeners depend on the workload's own ports.
    [generatorKey(undefined, CLUSTER_TYPE), cachedByView(createClusterGenerator())],
    [generatorKey(undefined, ENDPOINT_TYPE), cachedByView(endpointGenerator)],
    [generatorKey(undefined, LISTENER_TYPE), createSidecarLdsGenerator({ security })],
    [generatorKey('router', LISTENER_TYPE), createGatewayLdsGenerator({ security })],
    [generatorKey('grpc', LISTENER_TYPE), createGrpcLdsGenerator()],
    [generatorKey(undefined, ROUTE_TYPE), cachedByView(createSidecarRdsGenerator())],
    [generatorKey('router', ROUTE_TYPE), cachedByView(createGatewayRdsGenerator())],
    [generatorKey('grpc', ROUTE_TYPE), cachedByView(createGrpcRdsGenerator())],
  ]);
}

/** Assembles Pilot's parts over the first config snapshot. */
export function createPilotParts(initial: ConfigSnapshot, mesh: MeshConfig = DEFAULT_MESH_CONFIG, options: PilotPartsOptions = {}): PilotParts {
  const configRegistry = createConfigRegistry(initial);
  const workloads = createWorkloadRegistry({ config: initial });
  const registry = createAggregateRegistry([configRegistry, workloads]);
  return {
    generators: createGenerators(options),
    parseProxy,
    hooks: {
      onConnect: (proxy) => void workloads.register(proxy),
      onDisconnect: (proxy) => workloads.unregister(proxy.id),
    },
    onRegistryChange: (listener) => registry.onChange(listener),
    createPushContext: (config, version) => createPushContext({ version, mesh, config, registry }),
    updateConfig(snapshot) {
      configRegistry.update(snapshot);
      workloads.updateConfig(snapshot);
    },
    close() {
      registry.close();
      workloads.close();
    },
  };
}
