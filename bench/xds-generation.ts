// Benchmark: how long Pilot takes to build a push context and a full sidecar config (CDS, EDS,
// LDS, RDS, packed for the wire), and how much memory the control plane holds, for meshes of
// growing size. The smallest mesh is the baseline the others are compared with.
import { createPilotParts } from '../src/control-plane/pilot-parts.js';
import { parseProxy } from '../src/pilot/model/parse-proxy.js';
import { sidecarRouteNames } from '../src/pilot/generators/rds/index.js';
import { findGenerator } from '../src/pilot/server/index.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, structFromJson } from '../src/xds/index.js';
import type { Node__Output } from '../src/xds/index.js';
import { meshSnapshot } from './mesh-fixture.js';
import { median, type BenchTable } from './report.js';

const SIZES = [100, 1000, 5000];
const ROUNDS = 5;

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
    const snapshot = meshSnapshot(size);
    const parts = createPilotParts(snapshot);
    const heapHeld = heapMb() - heapBefore;
    const pushTimes: number[] = [];
    const genTimes: number[] = [];
    const warmTimes: number[] = [];
    let resources = 0;
    for (let round = 0; round < ROUNDS + 1; round++) {
      const t0 = performance.now();
      const push = parts.createPushContext(snapshot, String(round));
      const t1 = performance.now();
      const full = (p: typeof proxy) => {
        const gen = (type: string, names?: readonly string[]) => findGenerator(parts.generators, p, type)!.generate(p, push, names);
        const clusters = gen(CLUSTER_TYPE);
        const edsNames = clusters.filter((c) => (c.message as { type?: string }).type === 'EDS').map((c) => c.name);
        const endpoints = gen(ENDPOINT_TYPE, edsNames);
        const listeners = gen(LISTENER_TYPE);
        const routes = gen(ROUTE_TYPE, sidecarRouteNames(p, push));
        return clusters.length + endpoints.length + listeners.length + routes.length;
      };
      resources = full(proxy);
      const t2 = performance.now();
      full(replica); // another replica of the same app: clusters and routes come from the push's cache
      const t3 = performance.now();
      if (round === 0) continue; // warm-up
      pushTimes.push(t1 - t0);
      genTimes.push(t2 - t1);
      warmTimes.push(t3 - t2);
    }
    const gen = median(genTimes);
    if (size === SIZES[0]) baseline = gen;
    rows.push([
      String(size),
      String(resources),
      median(pushTimes).toFixed(1),
      gen.toFixed(1),
      (gen / baseline).toFixed(1),
      median(warmTimes).toFixed(1),
      heapHeld.toFixed(0),
    ]);
    log(`  ${size} services: push context ${median(pushTimes).toFixed(1)} ms, full sidecar config ${gen.toFixed(1)} ms first proxy, ${median(warmTimes).toFixed(1)} ms next replica (${resources} resources), ${heapHeld.toFixed(0)} MB held`);
  }
  return {
    title: 'xDS generation for one sidecar (median of 5 rounds after a warm-up)',
    header: ['services', 'xDS resources', 'push context ms', 'full config ms, first proxy', '× 100 services', 'full config ms, next replica', 'config + registry MB'],
    rows,
    notes: [
      '"First proxy" builds everything for the first proxy of a view after a push; "next replica" is another proxy with the same namespace, labels and ports in the same push, whose clusters, endpoints and routes come from the push\'s cache (listeners are built per proxy). Endpoint assignments also carry over from one push to the next while the endpoints are unchanged, as they are between the rounds here; clusters and routes are rebuilt for every push.',
    ],
  };
}
