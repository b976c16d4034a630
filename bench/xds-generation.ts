// Benchmark: how long Pilot takes to build a push context and a full sidecar config (CDS, EDS,
// LDS, RDS, packed for the wire) after one service's config changes and on a cold start, and how
// much memory the control plane holds, for meshes of growing size. The smallest mesh is the
// baseline the others are compared with.
import { createPilotParts } from '../src/control-plane/pilot-parts.js';
import { parseProxy } from '../src/pilot/model/parse-proxy.js';
import { sidecarRouteNames } from '../src/pilot/generators/rds/index.js';
import { findGenerator } from '../src/pilot/server/index.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, structFromJson } from '../src/xds/index.js';
import type { Node__Output } from '../src/xds/index.js';
import type { ConfigSnapshot } from '../src/galley/index.js';
import type { Proxy } from '../src/pilot/model/proxy.js';
import { changedSnapshot, freshCopy, meshSnapshot } from './mesh-fixture.js';
import { median, type BenchTable } from './report.js';

const SIZES = [100, 1000, 5000];
const ROUNDS = 5;
const COLD_ROUNDS = 5;

function sidecarNode(n = 1): Node__Output {
  return {
    id: `sidecar~10.99.0.${n}~bench-client-${n}.default~default.svc.cluster.local`,
    cluster: '',
    metadata: structFromJson({ NAMESPACE: 'default', LABELS: { app: 'bench-client' } }),
    locality: null,
    user_agent_name: 'bench',
    extensions: [],
    client_features: [],
    listening_addresses: [],
    dynamic_parameters: {},
    user_agent_version_type: 'user_agent_version',
  } as unknown as Node__Output;
}

function heapMb(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

type Parts = ReturnType<typeof createPilotParts>;
type Push = ReturnType<Parts['createPushContext']>;

/** Builds the full sidecar config (CDS, EDS for its EDS clusters, LDS, RDS) for `proxy`; returns the resource count. */
function fullConfig(parts: Parts, push: Push, proxy: Proxy): number {
  const gen = (type: string, names?: readonly string[]) => findGenerator(parts.generators, proxy, type)!.generate(proxy, push, names);
  const clusters = gen(CLUSTER_TYPE);
  const edsNames = clusters.filter((c) => (c.message as { type?: string }).type === 'EDS').map((c) => c.name);
  const endpoints = gen(ENDPOINT_TYPE, edsNames);
  const listeners = gen(LISTENER_TYPE);
  const routes = gen(ROUTE_TYPE, sidecarRouteNames(proxy, push));
  return clusters.length + endpoints.length + listeners.length + routes.length;
}

/**
 * Cold start: a new control plane (registries, generators and their caches) over config whose
 * objects it has never seen, so nothing from an earlier round can be reused.
 */
function coldStart(snapshot: ConfigSnapshot, proxy: Proxy): { ms: number; resources: number } {
  const fresh = freshCopy(snapshot);
  const parts = createPilotParts(fresh);
  const t0 = performance.now();
  const resources = fullConfig(parts, parts.createPushContext(fresh, 'cold'), proxy);
  const ms = performance.now() - t0;
  parts.close();
  return { ms, resources };
}

/** Runs the generation benchmark and returns its result table. */
export function runGenerationBench(log: (line: string) => void): BenchTable {
  const parsed = parseProxy(sidecarNode(1));
  const second = parseProxy(sidecarNode(2));
  if (!parsed.ok || !second.ok) throw new Error('bad bench node');
  const proxy = parsed.proxy;
  const replica = second.proxy;
  const rows: string[][] = [];
  let baseline = 0;
  for (const size of SIZES) {
    const heapBefore = heapMb();
    let snapshot = meshSnapshot(size);
    const parts = createPilotParts(snapshot);
    const heapHeld = heapMb() - heapBefore;
    const pushTimes: number[] = [];
    const genTimes: number[] = [];
    const warmTimes: number[] = [];
    const coldTimes: number[] = [];
    let resources = 0;
    for (let round = 0; round < ROUNDS + 1; round++) {
      // One service's VirtualService and DestinationRule change, as when its file is edited.
      snapshot = changedSnapshot(snapshot, (round * 7919) % size, round);
      parts.updateConfig(snapshot);
      const t0 = performance.now();
      const push = parts.createPushContext(snapshot, String(round));
      const t1 = performance.now();
      resources = fullConfig(parts, push, proxy);
      const t2 = performance.now();
      fullConfig(parts, push, replica); // another replica of the same app: clusters and routes come from the push's cache
      const t3 = performance.now();
      if (round === 0) continue; // warm-up
      pushTimes.push(t1 - t0);
      genTimes.push(t2 - t1);
      warmTimes.push(t3 - t2);
    }
    const heapWithCaches = heapMb() - heapBefore;
    parts.close();
    // After the running control plane's rounds: the process-wide cluster cache keeps two pushes,
    // and the cold starts' pushes would otherwise push the running one's out.
    for (let round = 0; round < COLD_ROUNDS + 1; round++) {
      const cold = coldStart(snapshot, proxy);
      if (cold.resources !== resources) throw new Error(`cold start built ${cold.resources} resources, not ${resources}`);
      if (round > 0) coldTimes.push(cold.ms);
    }
    const gen = median(genTimes);
    const cold = median(coldTimes);
    if (size === SIZES[0]) baseline = cold;
    rows.push([
      String(size),
      String(resources),
      median(pushTimes).toFixed(1),
      gen.toFixed(1),
      cold.toFixed(1),
      (cold / baseline).toFixed(1),
      median(warmTimes).toFixed(1),
      heapHeld.toFixed(0),
      heapWithCaches.toFixed(0),
    ]);
    log(
      `  ${size} services: push context ${median(pushTimes).toFixed(1)} ms, full sidecar config ${gen.toFixed(1)} ms after a config change, ` +
        `${cold.toFixed(1)} ms on a cold start, ${median(warmTimes).toFixed(1)} ms next replica (${resources} resources), ${heapHeld.toFixed(0)} MB held`,
    );
  }
  return {
    title: 'xDS generation for one sidecar (median of 5 rounds after a warm-up)',
    header: [
      'services',
      'xDS resources',
      'push context ms',
      'full config ms, first proxy after a config change',
      'full config ms, first proxy on a cold start',
      'cold × 100 services',
      'full config ms, next replica',
      'config + registry MB',
      '+ generated and cached MB',
    ],
    rows,
    notes: [
      '"First proxy after a config change" is what a running control plane does when a file changes: each round one service\'s VirtualService and DestinationRule are new objects (the rest are the objects of the last snapshot, as Galley keeps them), the registry takes the snapshot, a new push context is built, and the first proxy\'s full config is generated. Its clusters, routes and endpoint assignments are built again only where their inputs changed; the rest is reused, already encoded, from the previous push.',
      '"First proxy on a cold start" is a control plane that has just started: new registries and generators over config objects never seen before, so every resource is built and encoded. It is the cost of the first push after startup, paid once per process (a proxy connecting later to a running control plane gets the warm figures). "Next replica" is another proxy with the same namespace, labels and ports in the same push, whose clusters, endpoints and routes come from the push\'s cache (listeners are built per proxy). The cold-start column is the one compared across sizes. The last column is the heap held after the rounds, with the packed resources kept across pushes (the last two pushes\' worth).',
    ],
  };
}
