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

function sidecarNode(): Node__Output {
  return {
    id: 'sidecar~10.99.0.1~bench-client.default~default.svc.cluster.local',
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
  const parsed = parseProxy(sidecarNode());
  if (!parsed.ok) throw new Error(parsed.error);
  const proxy = parsed.proxy;
  const rows: string[][] = [];
  let baseline = 0;
  for (const size of SIZES) {
    const heapBefore = heapMb();
    const snapshot = meshSnapshot(size);
    const parts = createPilotParts(snapshot);
    const heapHeld = heapMb() - heapBefore;
    const pushTimes: number[] = [];
    const genTimes: number[] = [];
    let resources = 0;
    for (let round = 0; round < ROUNDS + 1; round++) {
      const t0 = performance.now();
      const push = parts.createPushContext(snapshot, String(round));
      const t1 = performance.now();
      const gen = (type: string, names?: readonly string[]) => findGenerator(parts.generators, proxy, type)!.generate(proxy, push, names);
      const clusters = gen(CLUSTER_TYPE);
      const edsNames = clusters.filter((c) => (c.message as { type?: string }).type === 'EDS').map((c) => c.name);
      const endpoints = gen(ENDPOINT_TYPE, edsNames);
      const listeners = gen(LISTENER_TYPE);
      const routes = gen(ROUTE_TYPE, sidecarRouteNames(proxy, push));
      const t2 = performance.now();
      if (round === 0) continue; // warm-up
      pushTimes.push(t1 - t0);
      genTimes.push(t2 - t1);
      resources = clusters.length + endpoints.length + listeners.length + routes.length;
    }
    const gen = median(genTimes);
    if (size === SIZES[0]) baseline = gen;
    rows.push([
      String(size),
      String(resources),
      median(pushTimes).toFixed(1),
      gen.toFixed(1),
      (gen / baseline).toFixed(1),
      heapHeld.toFixed(0),
    ]);
    log(`  ${size} services: push context ${median(pushTimes).toFixed(1)} ms, full sidecar config ${gen.toFixed(1)} ms (${resources} resources), ${heapHeld.toFixed(0)} MB held`);
  }
  return {
    title: 'xDS generation for one sidecar (median of 5 rounds after a warm-up)',
    header: ['services', 'xDS resources', 'push context ms', 'full config ms', '× 100 services', 'config + registry MB'],
    rows,
  };
}
