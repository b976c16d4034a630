// Benchmark: the time from one config change to its ACK by every connected ADS client. The real
// control plane runs as a child process over a 100-service mesh; this process opens N raw SotW
// ADS streams (Envoy-like sidecars), waits until all have ACKed their initial config, then
// rewrites one VirtualService and times, per stream, the file write until that stream has ACKed
// the new route config. 100 clients are the baseline that 500 are compared with.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROUTE_TYPE, unpackAny } from '../src/xds/index.js';
import { startHeddle, stopProcess, waitForLog } from '../test/support/heddle.js';
import { createAdsClientPool, type AdsStream } from './ads-clients.js';
import { serviceYaml } from './mesh-fixture.js';
import { median, percentile, type BenchTable } from './report.js';

const SERVICES = 100;
const CLIENTS = [100, 500];
const CHANNELS = 10;
const ROUNDS = 3;
/** Control-plane defaults, passed explicitly so the report states them. */
const FILE_DEBOUNCE_MS = 100;
const PUSH_DEBOUNCE_MS = 100;
/** How long one change may take to reach every stream before the round gives up on the rest. */
const ROUND_BOUND_MS = 30_000;
const SYNC_BOUND_MS = 120_000;

interface RoundResult {
  readonly times: number[];
  readonly acked: number;
  /** The control plane's own view: the svc-0 route config the first stream got carries the new weights. */
  readonly verified: boolean;
}

interface SizeResult {
  readonly clients: number;
  readonly connectMs: number;
  readonly rounds: RoundResult[];
  readonly problems: string[];
  readonly serverWarnings: string[];
}

/** Polls `check` every 20 ms until it holds or `ms` passes; returns whether it held. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

interface WeightedRoute {
  virtual_hosts?: Array<{
    domains?: string[];
    routes?: Array<{ route?: { weighted_clusters?: { clusters?: Array<{ weight?: { value?: number } | null }> } | null } | null }>;
  }>;
}

/** The svc-0 v1 weight in an RDS response, when it has one. */
function svc0Weight(resources: readonly { type_url: string; value: Buffer }[]): number | undefined {
  for (const any of resources) {
    const rc = unpackAny<WeightedRoute>(any);
    for (const vh of rc.virtual_hosts ?? []) {
      if (!vh.domains?.includes('svc-0.default.svc.cluster.local')) continue;
      const w = vh.routes?.[0]?.route?.weighted_clusters?.clusters?.[0]?.weight?.value;
      if (w !== undefined) return w;
    }
  }
  return undefined;
}

/** Rewrites svc-0's config with `weightV1` atomically (temp file, then rename); returns the time of the rename. */
async function changeWeights(dir: string, weightV1: number): Promise<number> {
  const tmp = join(dir, '.svc-0.yaml.tmp');
  await writeFile(tmp, serviceYaml(0, weightV1));
  const t0 = performance.now();
  await rename(tmp, join(dir, 'svc-0.yaml'));
  return t0;
}

/** One change, timed on every stream: from the file write to the ACK of a new route config. */
async function measureChange(dir: string, streams: readonly AdsStream[], weightV1: number): Promise<RoundResult> {
  const done = new Array<number | undefined>(streams.length).fill(undefined);
  let verified = false;
  let t0 = Infinity;
  let count = 0;
  for (const s of streams) {
    const before = s.acked.get(ROUTE_TYPE);
    s.onResponse = (r) => {
      if (r.typeUrl !== ROUTE_TYPE || r.version === before || done[s.index] !== undefined) return;
      done[s.index] = r.ackedAt - t0;
      count++;
      if (s.index === 0) verified = svc0Weight(r.response.resources) === weightV1;
    };
  }
  t0 = await changeWeights(dir, weightV1);
  await until(() => count === streams.length, ROUND_BOUND_MS);
  for (const s of streams) delete s.onResponse;
  const times = done.filter((t): t is number => t !== undefined);
  return { times, acked: times.length, verified };
}

/** Starts the control plane, connects `clients` streams, and times ROUNDS changes after a warm-up one. */
async function measureSize(dir: string, clients: number, log: (line: string) => void): Promise<SizeResult> {
  const cp: ChildProcess = startHeddle([
    'control-plane', '--config', dir, '--ca-dir', join(dir, '.ca'), '--secure-port', '0', '--xds-port', '0', '--monitoring-port', '0',
    '--debounce', String(FILE_DEBOUNCE_MS), '--push-debounce', String(PUSH_DEBOUNCE_MS),
    '--log-format', 'json', '--log-level', 'info',
  ]);
  const serverWarnings: string[] = [];
  let streams: AdsStream[] = [];
  let pool: ReturnType<typeof createAdsClientPool> | undefined;
  try {
    const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'), 30_000);
    // Keep draining the child's log (a full pipe would stall it); keep its warnings and errors.
    let buffered = '';
    cp.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as { level?: number | string; msg?: string };
          const level = typeof parsed.level === 'number' ? parsed.level : { warn: 40, error: 50, fatal: 60 }[String(parsed.level)] ?? 30;
          if (level >= 40 && serverWarnings.length < 20) serverWarnings.push(String(parsed.msg));
        } catch {
          if (line.trim() && serverWarnings.length < 20) serverWarnings.push(line);
        }
      }
    });
    cp.stdout?.resume();

    const target = String(ready.xds);
    pool = createAdsClientPool(target, CHANNELS);
    const c0 = performance.now();
    streams = Array.from({ length: clients }, (_, i) => pool!.open(i));
    const allSynced = await until(() => streams.every((s) => s.synced()), SYNC_BOUND_MS);
    const connectMs = performance.now() - c0;
    const problemsOf = () => streams.flatMap((s) => s.problems.map((p) => `client-${s.index}: ${p}`));
    if (!allSynced) {
      const problems = problemsOf();
      const missing = streams.filter((s) => !s.synced()).length;
      throw new Error(`${missing} of ${clients} streams did not ACK their initial config within ${SYNC_BOUND_MS / 1000} s; ${problems.slice(0, 3).join('; ')}`);
    }
    log(`  ${clients} clients: initial config ACKed by all in ${connectMs.toFixed(0)} ms`);
    await sleep(500);

    const rounds: RoundResult[] = [];
    let weight = 90;
    for (let round = 0; round <= ROUNDS; round++) {
      weight = weight === 90 ? 50 : 90;
      const r = await measureChange(dir, streams, weight);
      const label = round === 0 ? 'warm-up' : `round ${round}`;
      log(`  ${clients} clients, ${label}: ${r.acked}/${clients} ACKed, p50 ${percentile(r.times, 50).toFixed(0)} ms, p99 ${percentile(r.times, 99).toFixed(0)} ms, max ${Math.max(...r.times).toFixed(0)} ms${r.verified ? '' : ' (svc-0 weights NOT seen in the route config)'}`);
      if (round > 0) rounds.push(r);
      // Let the stragglers' traffic settle before the next change.
      await until(() => streams.every((s) => s.synced()), 5_000);
      await sleep(500);
    }
    return { clients, connectMs, rounds, problems: problemsOf(), serverWarnings };
  } finally {
    for (const s of streams) s.close();
    pool?.close();
    await stopProcess(cp);
  }
}

/** Runs the push benchmark and returns its result table. */
export async function runPushBench(log: (line: string) => void): Promise<BenchTable> {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-bench-push-'));
  try {
    for (let i = 0; i < SERVICES; i++) await writeFile(join(dir, `svc-${i}.yaml`), serviceYaml(i));
    const results: SizeResult[] = [];
    for (const clients of CLIENTS) {
      // Each size starts from the same config: svc-0 at 90/10.
      await writeFile(join(dir, 'svc-0.yaml'), serviceYaml(0));
      results.push(await measureSize(dir, clients, log));
    }
    const baseline = median(results[0]!.rounds.map((r) => percentile(r.times, 50)));
    const rows = results.map((res) => {
      const p50 = median(res.rounds.map((r) => percentile(r.times, 50)));
      return [
        String(res.clients),
        res.rounds.map((r) => `${r.acked}/${res.clients}`).join(', '),
        p50.toFixed(0),
        median(res.rounds.map((r) => percentile(r.times, 99))).toFixed(0),
        median(res.rounds.map((r) => Math.max(...r.times))).toFixed(0),
        (p50 / baseline).toFixed(2),
        res.connectMs.toFixed(0),
      ];
    });
    const notes = [
      `${SERVICES} services (10 endpoints, a DestinationRule and a VirtualService each). One change per round: svc-0's VirtualService flips 90/10 ↔ 50/50, written to a temp file and renamed into the config directory. ` +
        `Each time runs from the rename until a stream has ACKed a route config of the new version; nothing is subtracted, so every figure includes the control plane's debounce of ${FILE_DEBOUNCE_MS} ms (file) + ${PUSH_DEBOUNCE_MS} ms (push) = ${FILE_DEBOUNCE_MS + PUSH_DEBOUNCE_MS} ms. ` +
        `The target is all clients ACKed within 1 s of the debounce, i.e. a max under ${FILE_DEBOUNCE_MS + PUSH_DEBOUNCE_MS + 1000} ms at 500 clients. ` +
        `Clients are raw State-of-the-World ADS streams in the benchmark process (CDS and LDS wildcard, then EDS and RDS by name, every response ACKed), ${CHANNELS} HTTP/2 channels shared by all streams; a round stops waiting after ${ROUND_BOUND_MS / 1000} s. Medians of ${ROUNDS} rounds after a warm-up change; the control plane is restarted for each client count.`,
    ];
    for (const res of results) {
      if (res.rounds.some((r) => !r.verified)) notes.push(`${res.clients} clients: the new svc-0 weights were not seen in client-0's route config in some round.`);
      if (res.problems.length > 0) notes.push(`${res.clients} clients, client-side problems: ${res.problems.slice(0, 5).join('; ')}`);
      if (res.serverWarnings.length > 0) notes.push(`${res.clients} clients, control-plane warnings: ${[...new Set(res.serverWarnings)].slice(0, 5).join('; ')}`);
    }
    return {
      title: `Config change to ACK, ${SERVICES}-service mesh (median of ${ROUNDS} rounds)`,
      header: ['ADS clients', 'ACKed per round', 'p50 ms', 'p99 ms', 'max ms', 'p50 × 100 clients', 'initial sync ms'],
      rows,
      notes,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
