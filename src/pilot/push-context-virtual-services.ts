// The push context's index of VirtualServices: resolved, delegates merged, by gateway and visibility.
import type { ConfigSnapshot } from '../galley/index.js';
import type { VirtualService } from './model/push-context.js';
import { mergeDelegates } from './push-context-delegates.js';
import { importsVirtualService, type SidecarScope } from './push-context-sidecar.js';
import { MESH_GATEWAY, resolveVirtualService } from './push-context-vs-resolve.js';
import { isExportedTo, normalizeExportTo } from './registry/export-to.js';

interface IndexedVirtualService {
  readonly vs: VirtualService;
  readonly exportTo: readonly string[];
}

/** VirtualServices by the gateway they bind to. */
export interface VirtualServiceIndex {
  /**
   * The VirtualServices bound to `gateway` (`mesh` or `namespace/name`) that `namespace` sees
   * (exportTo), narrowed to those whose hosts a Sidecar scope imports when one is given, in
   * namespace/name order. Computed once per gateway, namespace and scope.
   */
  forGateway(gateway: string, namespace: string, scope?: SidecarScope): readonly VirtualService[];
}

/**
 * Indexes the snapshot's VirtualServices. Each is resolved in its namespace
 * ({@link resolveVirtualService}), delegates are merged into their roots ({@link mergeDelegates}),
 * and each is bound to its gateways: `mesh` when it lists none. What it returns is deeply frozen.
 */
export function createVirtualServiceIndex(config: ConfigSnapshot): VirtualServiceIndex {
  const resolved = config.of('VirtualService').map((e) => resolvedOf(e.resource));
  const byGateway = new Map<string, IndexedVirtualService[]>();
  for (const vs of mergeDelegates(resolved)) {
    const entry = { vs: Object.isFrozen(vs) ? vs : deepFreeze(vs), exportTo: normalizeExportTo(vs.spec.exportTo, vs.metadata.namespace) };
    const gateways = vs.spec.gateways && vs.spec.gateways.length > 0 ? new Set(vs.spec.gateways) : [MESH_GATEWAY];
    for (const gateway of gateways) {
      const list = byGateway.get(gateway);
      if (list) list.push(entry);
      else byGateway.set(gateway, [entry]);
    }
  }
  const cache = new Map<string, readonly VirtualService[]>();
  return {
    forGateway(gateway, namespace, scope) {
      const key = `${gateway}\n${namespace}\n${scope?.key ?? ''}`;
      let list = cache.get(key);
      if (list) return list;
      list = Object.freeze(
        (byGateway.get(gateway) ?? [])
          .filter((e) => isExportedTo(e.exportTo, namespace))
          .filter((e) => !scope || importsVirtualService(scope, e.vs.metadata.namespace, e.vs.spec.hosts ?? []))
          .map((e) => e.vs),
      );
      cache.set(key, list);
      return list;
    },
  };
}

/** Snapshot resources are immutable, so each is resolved (and frozen) once, whatever push contexts it is in. */
const resolvedCache = new WeakMap<VirtualService, VirtualService>();

function resolvedOf(vs: VirtualService): VirtualService {
  let resolved = resolvedCache.get(vs);
  if (!resolved) {
    resolved = deepFreeze(resolveVirtualService(vs));
    if (Object.isFrozen(vs)) resolvedCache.set(vs, resolved);
  }
  return resolved;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}
