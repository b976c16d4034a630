// Benchmark: saturated HTTP/1.1 throughput with wrk -t1 -c32 through nothing, the nginx pair and
// the Heddle pair, in interleaved rounds after a warm-up, against the same 12-byte upstream.
import { rmSync } from 'node:fs';
import { median, type BenchTable } from './report.js';
import { runWrk, writeAbsoluteFormScript, type WrkResult } from './load-wrk.js';
import { authorityFor, benchPaths, interleave } from './proxy-paths.js';
import type { ProxyRig } from './proxy-rig.js';

const CONNECTIONS = 32;
const WARM_UP_S = 5;
const ROUND_S = 5;
const ROUNDS = 5;
/** The target: the Heddle pair at 0.8× the nginx pair's rps or better. */
const TARGET_VS_NGINX = 0.8;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Runs the rounds and returns the table for bench/RESULTS.md. */
export async function runProxyHttp1Bench(rig: ProxyRig, log: (line: string) => void): Promise<BenchTable> {
  const script = writeAbsoluteFormScript(authorityFor('http1'));
  const paths = benchPaths(rig, 'http1');
  log(`proxy-http1: wrk -t1 -c${CONNECTIONS}, ${WARM_UP_S} s warm-up per path, ${ROUNDS} interleaved rounds of ${ROUND_S} s`);
  const { results, failures } = await interleave<WrkResult>(
    paths,
    ROUNDS,
    (p) => runWrk(p.host, p.port, script, WARM_UP_S, CONNECTIONS),
    async (p) => {
      const r = await runWrk(p.host, p.port, script, ROUND_S, CONNECTIONS);
      log(`  ${p.name}: ${fmt(r.rps)} rps, p50 ${fmt(r.p50Ms, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms, ${r.errors} errors`);
      return r;
    },
    log,
  ).finally(() => rmSync(script, { force: true }));
  const rps = (name: string) => median((results.get(name) ?? []).map((r) => r.rps));
  const direct = rps('direct');
  const nginx = rps('nginx pair');
  const rows = paths.map((p) => {
    const runs = results.get(p.name) ?? [];
    if (runs.length === 0) return [p.name, 'failed', '', '', '', '', '', failures.get(p.name)?.split('\n')[0] ?? 'no runs'];
    const values = runs.map((r) => r.rps);
    const own = median(values);
    return [
      p.name,
      fmt(own),
      `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`,
      fmt(own / direct, 2),
      fmt(own / nginx, 2),
      fmt(median(runs.map((r) => r.p50Ms)), 2),
      fmt(median(runs.map((r) => r.p99Ms)), 2),
      String(runs.reduce((s, r) => s + r.errors, 0)),
    ];
  });
  const heddle = rps('heddle pair');
  const ratio = heddle / nginx;
  return {
    title: `Proxy pair, HTTP/1.1 saturated (wrk -t1 -c${CONNECTIONS}, median of ${ROUNDS} interleaved ${ROUND_S} s rounds after ${WARM_UP_S} s warm-up)`,
    header: ['path', 'rps', 'rps range', '× direct', '× nginx pair', 'p50 ms', 'p99 ms', 'errors (socket + non-2xx), all rounds'],
    rows,
    notes: [
      '> The issue\'s benchmark: "wrk with 32 connections against a small HTTP/1.1 upstream, through: nothing (direct); an nginx pair: client-side nginx, then server-side nginx, both with upstream keep-alive; a Heddle pair: outbound sidecar, then inbound sidecar." Target: "Heddle pair plaintext HTTP/1.1 with routing and metrics on ≥ 0.8× the nginx pair\'s rps in the same run."',
      `**Target: Heddle pair ≥ ${TARGET_VS_NGINX}× nginx pair. Measured ${fmt(ratio, 2)}× (${fmt(heddle)} vs ${fmt(nginx)} rps): ${ratio >= TARGET_VS_NGINX ? 'met' : 'missed'}.**`,
      'Every path gets the same wrk Lua script: absolute-form `GET http://reviews:9080/ HTTP/1.1` with `Host: reviews:9080`, the request an HTTP-proxy client sends. The Heddle client sidecar takes it on its explicit-mode outbound port (127.0.77.2:15001), routes it by the `reviews` ServiceEntry (port 9080 → targetPort) to the server sidecar\'s inbound listener (127.0.77.3:P), which forwards to the app at 127.0.0.1:P; metrics (istio_requests_total and friends) are on, access logs off. nginx takes the same absolute-form line (it uses the URL\'s host for server matching and sends origin-form upstream): client nginx 127.0.77.4:8080 → server nginx 127.0.77.5:8080 → app, each `worker_processes 1`, `proxy_http_version 1.1`, `proxy_set_header Connection ""`, upstream `keepalive 64`, access log off, keepalive_requests raised so neither side recycles connections. Direct sends it straight to the app (Node\'s server accepts absolute-form).',
      'What limits each figure: direct — the single-threaded Node upstream and wrk, sharing 2 cores with everything else on the machine; nginx pair — two nginx workers plus the upstream and wrk on the same 2 cores (4 busy processes on 2 cores); Heddle pair — each sidecar is one Node event loop, so the pair\'s rate is bounded by the slower sidecar\'s per-request CPU, again on cores shared with the upstream and wrk. The machine is shared with other work; compare ratios within this run.',
    ],
  };
}
