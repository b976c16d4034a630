// Benchmark: what each proxy hop costs at a fixed 1,000 rps (CPU from /proc/<pid>/stat, latency
// from hey), and its memory (VmRSS) idle and under saturating load, for the nginx, Node pipe and
// Heddle pairs, each also with TLS between its hops.
import { rmSync } from 'node:fs';
import { runHey, type HeyResult } from './load-hey.js';
import { runWrk, writeAbsoluteFormScript } from './load-wrk.js';
import { rssMb, samplePeakRss, totalCpuSeconds } from './proc-usage.js';
import { benchPaths, interleave, PIPE_PATH, TLS_PATHS, type BenchPath } from './proxy-paths.js';
import type { ProxyRig } from './proxy-rig.js';
import { median, type BenchTable } from './report.js';

const RATE = 1000;
const WORKERS = 4;
const WARM_UP_S = 5;
const ROUND_S = 5;
const ROUNDS = 5;
const LOAD_S = 5;
const TARGETS = { cpuPer1k: 0.1, idleMb: 50, loadMb: 100 } as const;
/** A bare `node` process's RSS on this machine kind (FINDINGS.md). */

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const signed = (n: number, digits: number) => `${n >= 0 ? '+' : ''}${fmt(n, digits)}`;

interface FixedRateRound extends HeyResult {
  /** vCPU used by each hop during the round, per 1,000 rps achieved. */
  readonly cpuPer1k: readonly number[];
}

async function fixedRate(path: BenchPath, seconds: number): Promise<FixedRateRound> {
  const pids = path.hops.map((h) => h.pids());
  const before = pids.map(totalCpuSeconds);
  const started = performance.now();
  const r = await runHey(`${path.host}:${path.port}`, `http://${path.authority}/`, RATE, WORKERS, seconds);
  const wall = (performance.now() - started) / 1000;
  const cpuPer1k = pids.map((p, i) => ((totalCpuSeconds(p) - before[i]!) / wall) * (1000 / r.rps));
  return { ...r, cpuPer1k };
}

/** Peak RSS of each hop during a saturating wrk run on `path`. */
async function peakUnderLoad(path: BenchPath): Promise<number[]> {
  const script = writeAbsoluteFormScript(path.authority);
  const stops = path.hops.map((h) => samplePeakRss(h.pids()));
  try {
    await runWrk(path.host, path.port, script, LOAD_S, 32);
  } finally {
    rmSync(script, { force: true });
  }
  return stops.map((stop) => stop());
}

const verdict = (ok: boolean) => (ok ? 'met' : 'missed');

/** Measures idle memory first (call it before other load), then fixed-rate rounds, then peak memory. */
export async function runProxyResourcesBench(rig: ProxyRig, log: (line: string) => void): Promise<BenchTable> {
  const paths = benchPaths(rig, 'http1', { tls: true });
  const idle = new Map(paths.map((p) => [p.name, p.hops.map((h) => h.pids().reduce((s, pid) => s + rssMb(pid), 0))]));
  log(`proxy-resources: hey -c${WORKERS} at ${RATE} rps, ${WARM_UP_S} s warm-up per path, ${ROUNDS} interleaved rounds of ${ROUND_S} s`);
  const { results, failures } = await interleave<FixedRateRound>(
    paths,
    ROUNDS,
    (p) => fixedRate(p, WARM_UP_S),
    async (p) => {
      const r = await fixedRate(p, ROUND_S);
      log(`  ${p.name}: ${fmt(r.rps)} rps, p50 ${fmt(r.p50Ms, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms, cpu/1k ${r.cpuPer1k.map((c) => fmt(c, 3)).join(' + ')}, ${r.errors} errors`);
      return r;
    },
    log,
  );
  const peak = new Map<string, number[]>();
  for (const p of paths.filter((x) => x.hops.length > 0 && !failures.has(x.name))) {
    try {
      peak.set(p.name, await peakUnderLoad(p));
    } catch (err) {
      failures.set(p.name, (err as Error).message);
    }
  }
  const idleAfter = new Map(paths.map((p) => [p.name, p.hops.map((h) => h.pids().reduce((s, pid) => s + rssMb(pid), 0))]));
  const p50 = (name: string) => median((results.get(name) ?? []).map((r) => r.p50Ms));
  const p99 = (name: string) => median((results.get(name) ?? []).map((r) => r.p99Ms));
  const cpu = (name: string, hop: number) => median((results.get(name) ?? []).map((r) => r.cpuPer1k[hop] ?? NaN));
  const pair = (values: readonly number[] | undefined, digits: number) => (values && values.length ? values.map((v) => fmt(v, digits)).join(' / ') : '—');
  const rows = paths.map((p) => {
    const runs = results.get(p.name) ?? [];
    if (runs.length === 0) return [p.name, 'failed', '', '', '', '', '', '', '', failures.get(p.name)?.split('\n')[0] ?? 'no runs'];
    const hops = p.hops.map((_, i) => cpu(p.name, i));
    return [
      p.name,
      fmt(median(runs.map((r) => r.rps))),
      fmt(p50(p.name), 2),
      fmt(p99(p.name), 2),
      p.hops.length ? `+${fmt(p50(p.name) - p50('direct'), 2)} / +${fmt(p99(p.name) - p99('direct'), 2)}` : '—',
      p.hops.length ? pair(hops, 3) : '—',
      pair(idle.get(p.name), 0),
      pair(peak.get(p.name), 0),
      pair(idleAfter.get(p.name), 0),
      String(runs.reduce((s, r) => s + r.errors, 0)),
    ];
  });
  const heddleCpu = [cpu('heddle pair', 0), cpu('heddle pair', 1)];
  // Paired within each round (the TLS path runs right after its plaintext path), which the
  // machine's other load disturbs less than the ratio of the two medians.
  const perRoundCpu = (name: string, plain: string, hop: number) => {
    const a = results.get(name) ?? [];
    const b = results.get(plain) ?? [];
    return median(a.slice(0, b.length).map((r, i) => (r.cpuPer1k[hop] ?? NaN) / (b[i]!.cpuPer1k[hop] ?? NaN)));
  };
  // 1 vCPU per 1,000 rps is 1 ms of CPU per request, so ×1000 gives µs per request.
  const tlsCost = (name: string, plain: string) => {
    const added = [0, 1].map((hop) => (cpu(name, hop) - cpu(plain, hop)) * 1000);
    const ratios = [0, 1].map((hop) => `${fmt(cpu(name, hop) / cpu(plain, hop), 2)}×`).join(' / ');
    const paired = [0, 1].map((hop) => `${fmt(perRoundCpu(name, plain, hop), 2)}×`).join(' / ');
    const spread = [0, 1].map((hop) => {
      const us = (results.get(plain) ?? []).map((r) => (r.cpuPer1k[hop] ?? NaN) * 1000);
      return `${fmt(Math.min(...us), 0)}–${fmt(Math.max(...us), 0)}`;
    }).join(' / ');
    return `${added.map((us) => signed(us, 0)).join(' / ')} µs of CPU per request (client / server hop; ${ratios} of plaintext, per-round median ${paired}; plaintext rounds spanned ${spread} µs), latency ${signed(p50(name) - p50(plain), 2)} ms p50 and ${signed(p99(name) - p99(plain), 2)} ms p99 against plaintext`;
  };
  const heddleIdle = idle.get('heddle pair') ?? [];
  const heddlePeak = peak.get('heddle pair') ?? [];
  // The Node pipe pair does no HTTP work at all: its figures are the floor of a Node process here.
  const pipeCpu = [cpu(PIPE_PATH, 0), cpu(PIPE_PATH, 1)];
  const pipeIdle = idle.get(PIPE_PATH) ?? [];
  const pipePeak = peak.get(PIPE_PATH) ?? [];
  const loadDelta = Math.max(...heddlePeak) - Math.max(...heddleIdle);
  return {
    title: `Proxy pair resources at a fixed ${RATE} rps (hey -c${WORKERS} -q${RATE / WORKERS}, median of ${ROUNDS} interleaved ${ROUND_S} s rounds after ${WARM_UP_S} s warm-up) and memory`,
    header: ['path', 'rps', 'p50 ms', 'p99 ms', 'added by the pair p50 / p99 ms', 'vCPU per 1k rps, client / server hop', 'RSS idle MB, client / server', `RSS peak under wrk -c32 (${LOAD_S} s) MB`, 'RSS idle after load MB', 'errors'],
    rows,
    notes: [
      `**Target: CPU ≤ ${TARGETS.cpuPer1k} vCPU per 1,000 rps per sidecar. Measured ${heddleCpu.map((c) => fmt(c, 3)).join(' (client) and ')} (server): ${verdict(heddleCpu.every((c) => c <= TARGETS.cpuPer1k))}.** The Node pipe pair, two Node processes that only \`pipe\` each connection to the next hop and parse nothing, costs ${pipeCpu.map((c) => fmt(c, 3)).join(' / ')} at the same rate (${pipeCpu.map((c) => `${fmt((c / TARGETS.cpuPer1k) * 100, 0)} %`).join(' / ')} of the target): that is what a Node process pays for waking up, reading and writing each request and response, before any HTTP work, and what is left of the target for a Node proxy's HTTP work. The rest of the sidecar's figure is its per-request JavaScript (parse, route, metrics, re-serialise); nginx's figure is the same hop done in C. Measured as the change of utime+stime in /proc/<pid>/stat over the round, divided by the round's wall time, scaled to the achieved rate (nginx: master plus worker).`,
      `**Target: RSS ≤ ${TARGETS.idleMb} MB idle per sidecar. Measured ${heddleIdle.map((m) => fmt(m, 0)).join(' / ')} MB (client / server, VmRSS right after config was applied, before any traffic): ${verdict(heddleIdle.length > 0 && heddleIdle.every((m) => m <= TARGETS.idleMb))}.** A Node pipe hop, which loads nothing but \`node:net\`, holds ${pipeIdle.map((m) => fmt(m, 0)).join(' / ')} MB idle in the same run, so about ${fmt(Math.max(...heddleIdle) - Math.max(...pipeIdle), 0)} MB is the sidecar's own code and heap (docs/sidecar.md says what is in it). nginx's figure is master plus worker.`,
      `**Target: RSS ≤ ${TARGETS.loadMb} MB under load per sidecar. Measured peak ${heddlePeak.map((m) => fmt(m, 0)).join(' / ')} MB during a saturating wrk -c32 run (VmRSS sampled every 200 ms): ${verdict(heddlePeak.length > 0 && heddlePeak.every((m) => m <= TARGETS.loadMb))}.** Load changes the idle figure by ${fmt(loadDelta, 0)} MB (the pipe hop peaks at ${pipePeak.map((m) => fmt(m, 0)).join(' / ')} MB), so the idle footprint is what decides this target.`,
      `**TLS between the hops at ${RATE} rps: Heddle mTLS costs ${tlsCost(TLS_PATHS.heddle, 'heddle pair')}; nginx TLS costs ${tlsCost(TLS_PATHS.nginx, 'nginx pair')}; the Node pipe pair with TLS, which parses nothing, costs ${tlsCost(TLS_PATHS.pipe, PIPE_PATH)}.** The nginx and Heddle TLS paths run in the same processes as their plaintext ones; the TLS pipe pair is two Node processes of its own (see the HTTP/1.1 table for how each is set up). hey's 4 connections and the pools between the hops stay open, so this is the per-request cost of encryption, not of handshakes. An added cost smaller than the spread of the plaintext rounds is within this machine's noise. The nginx and Heddle TLS rows' idle RSS columns repeat their plaintext path's (the same processes), while the TLS pipe pair's are its own hops'; the peak column comes from a separate saturating run on each path.`,
      `Latency added by the pair: the path's median p50/p99 minus direct's, at the same fixed rate; hey's figures include its own Go client and have a resolution of 0.1 ms. hey reaches every path as an HTTP proxy (\`-x\`), so each receives absolute-form \`GET http://reviews:9080/\` over ${WORKERS} keep-alive connections. What limits the latency figures: the 2 shared cores (a hop waits for a core whenever the other processes hold both), and Node's event-loop turn per read for the Heddle hops.`,
    ],
  };
}
