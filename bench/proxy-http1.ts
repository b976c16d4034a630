// Benchmark: saturated HTTP/1.1 throughput with wrk -t1 -c32 through nothing, the nginx pair, the
// Node pipe pair and the Heddle pair, each pair also with TLS between its hops, in interleaved
// rounds after a warm-up, against the same 12-byte upstream.
import { rmSync } from 'node:fs';
import { median, type BenchTable } from './report.js';
import { runWrk, writeAbsoluteFormScript, type WrkResult } from './load-wrk.js';
import { MTLS_SERVICE } from './heddle-pair.js';
import { totalCpuSeconds } from './proc-usage.js';
import { benchPaths, interleave, PIPE_PATH, TLS_PATHS, type BenchPath } from './proxy-paths.js';
import type { ProxyRig } from './proxy-rig.js';

const CONNECTIONS = 32;
const WARM_UP_S = 5;
const ROUND_S = 5;
const ROUNDS = 5;
/** The target: the Heddle pair at 0.8× the nginx pair's rps or better. */
const TARGET_VS_NGINX = 0.8;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

interface SaturatedRound extends WrkResult {
  /** CPU each hop used during the run, in µs per request wrk completed. */
  readonly cpuUsPerRequest: readonly number[];
}

async function saturate(path: BenchPath, script: string): Promise<SaturatedRound> {
  const pids = path.hops.map((h) => h.pids());
  const before = pids.map(totalCpuSeconds);
  const r = await runWrk(path.host, path.port, script, ROUND_S, CONNECTIONS);
  const cpuUsPerRequest = pids.map((p, i) => ((totalCpuSeconds(p) - before[i]!) / r.requests) * 1e6);
  return { ...r, cpuUsPerRequest };
}

/** Runs the rounds and returns the table for bench/RESULTS.md. */
export async function runProxyHttp1Bench(rig: ProxyRig, log: (line: string) => void): Promise<BenchTable> {
  const paths = benchPaths(rig, 'http1', { tls: true });
  const scripts = new Map(paths.map((p) => [p.authority, '']));
  for (const authority of scripts.keys()) scripts.set(authority, writeAbsoluteFormScript(authority));
  const script = (authority: string) => scripts.get(authority)!;
  log(`proxy-http1: wrk -t1 -c${CONNECTIONS}, ${WARM_UP_S} s warm-up per path, ${ROUNDS} interleaved rounds of ${ROUND_S} s`);
  const { results, failures } = await interleave<SaturatedRound>(
    paths,
    ROUNDS,
    (p) => runWrk(p.host, p.port, script(p.authority), WARM_UP_S, CONNECTIONS),
    async (p) => {
      const r = await saturate(p, script(p.authority));
      log(`  ${p.name}: ${fmt(r.rps)} rps, p50 ${fmt(r.p50Ms, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms, cpu µs/request ${r.cpuUsPerRequest.map((c) => fmt(c)).join(' + ')}, ${r.errors} errors`);
      return r;
    },
    log,
  ).finally(() => {
    for (const file of scripts.values()) rmSync(file, { force: true });
  });
  const rps = (name: string) => median((results.get(name) ?? []).map((r) => r.rps));
  const cpuUs = (name: string, hop: number) => median((results.get(name) ?? []).map((r) => r.cpuUsPerRequest[hop] ?? NaN));
  const addedCpu = (name: string, plain: string) => [0, 1].map((hop) => `+${fmt(cpuUs(name, hop) - cpuUs(plain, hop))}`).join(' / ');
  const direct = rps('direct');
  const nginx = rps('nginx pair');
  const rows = paths.map((p) => {
    const runs = results.get(p.name) ?? [];
    if (runs.length === 0) return [p.name, 'failed', '', '', '', '', '', '', '', failures.get(p.name)?.split('\n')[0] ?? 'no runs'];
    const values = runs.map((r) => r.rps);
    const own = median(values);
    return [
      p.name,
      fmt(own),
      `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`,
      fmt(own / direct, 2),
      fmt(own / nginx, 2),
      p.plaintext ? fmt(own / rps(p.plaintext), 2) : '—',
      p.hops.length ? p.hops.map((_, hop) => fmt(cpuUs(p.name, hop))).join(' / ') : '—',
      fmt(median(runs.map((r) => r.p50Ms)), 2),
      fmt(median(runs.map((r) => r.p99Ms)), 2),
      String(runs.reduce((s, r) => s + r.errors, 0)),
    ];
  });
  const heddle = rps('heddle pair');
  const ratio = heddle / nginx;
  const pipe = rps(PIPE_PATH);
  const heddleMtls = rps(TLS_PATHS.heddle);
  const nginxTls = rps(TLS_PATHS.nginx);
  const pipeTls = rps(TLS_PATHS.pipe);
  // The TLS path runs right after its plaintext path in every round, so their ratio within a round
  // is less exposed to the machine's other load than the ratio of the two medians.
  const perRound = (name: string, plain: string) => {
    const a = (results.get(name) ?? []).map((r) => r.rps);
    const b = (results.get(plain) ?? []).map((r) => r.rps);
    const ratios = a.slice(0, b.length).map((v, i) => v / b[i]!);
    return ratios.length ? `${fmt(median(ratios), 2)} (rounds ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})` : 'n/a';
  };
  return {
    title: `Proxy pair, HTTP/1.1 saturated (wrk -t1 -c${CONNECTIONS}, median of ${ROUNDS} interleaved ${ROUND_S} s rounds after ${WARM_UP_S} s warm-up)`,
    header: ['path', 'rps', 'rps range', '× direct', '× nginx pair', '× same pair plaintext', 'CPU µs per request, client / server hop', 'p50 ms', 'p99 ms', 'errors (socket + non-2xx), all rounds'],
    rows,
    notes: [
      '> The issue\'s benchmark: "wrk with 32 connections against a small HTTP/1.1 upstream, through: nothing (direct); an nginx pair: client-side nginx, then server-side nginx, both with upstream keep-alive; a Heddle pair: outbound sidecar, then inbound sidecar." Target: "Heddle pair plaintext HTTP/1.1 with routing and metrics on ≥ 0.8× the nginx pair\'s rps in the same run."',
      `**Target: Heddle pair ≥ ${TARGET_VS_NGINX}× nginx pair. Measured ${fmt(ratio, 2)}× (${fmt(heddle)} vs ${fmt(nginx)} rps): ${ratio >= TARGET_VS_NGINX ? 'met' : 'missed'}.**`,
      'Every path gets the same wrk Lua script: absolute-form `GET http://reviews:9080/ HTTP/1.1` with `Host: reviews:9080`, the request an HTTP-proxy client sends. The Heddle client sidecar takes it on its explicit-mode outbound port (127.0.77.2:15001), routes it by the `reviews` ServiceEntry (port 9080 → targetPort) to the server sidecar\'s inbound listener (127.0.77.3:P), which forwards to the app at 127.0.0.1:P; metrics (istio_requests_total and friends) are on, access logs off. nginx takes the same absolute-form line (it uses the URL\'s host for server matching and sends origin-form upstream): client nginx 127.0.77.4:8080 → server nginx 127.0.77.5:8080 → app, each `worker_processes 1`, `proxy_http_version 1.1`, `proxy_set_header Connection ""`, upstream `keepalive 64`, access log off, keepalive_requests raised so neither side recycles connections. Direct sends it straight to the app (Node\'s server accepts absolute-form).',
      `**The Node pipe pair, which carries the same bytes through two Node processes with \`socket.pipe\` and parses nothing, reached ${fmt(pipe / nginx, 2)}× the nginx pair (${fmt(pipe)} rps); the Heddle pair, which parses, routes and counts every request, reached ${fmt(heddle / pipe, 2)}× the pipe pair.** The pipe pair (127.0.77.6 → 127.0.77.7 → app, \`bench/node-pipe-hop.ts\`) opens one upstream connection per downstream connection and has no HTTP code at all: its rate is what two Node event loops on these cores reach when all they do is move each request and response through \`net.Socket\` (one read and one write per direction per hop, as for nginx). It bounds what any Node proxy pair can reach here; the distance from it to nginx is Node's per-read and per-write cost (libuv, the stream layer, JavaScript callbacks), not HTTP work.`,
      `**mTLS between the sidecars: the Heddle pair keeps ${fmt(heddleMtls / heddle, 2)}× of its plaintext rps (${fmt(heddleMtls)} vs ${fmt(heddle)}); nginx with TLS between its hops keeps ${fmt(nginxTls / nginx, 2)}× (${fmt(nginxTls)} vs ${fmt(nginx)}). Heddle mTLS is ${fmt(heddleMtls / nginxTls, 2)}× the nginx TLS pair. The Node pipe pair with mutual TLS between its hops, which parses nothing, reached ${fmt(pipeTls / nginxTls, 2)}× the nginx TLS pair (${fmt(pipeTls)} rps) and keeps ${fmt(pipeTls / pipe, 2)}× of the plain pipe pair; Heddle mTLS reached ${fmt(heddleMtls / pipeTls, 2)}× the TLS pipe pair.** Median of the per-round ratios (TLS path ÷ the same pair's plaintext path measured just before it): Heddle ${perRound(TLS_PATHS.heddle, 'heddle pair')}, nginx ${perRound(TLS_PATHS.nginx, 'nginx pair')}, pipe pair ${perRound(TLS_PATHS.pipe, PIPE_PATH)}. CPU added per request by TLS at saturation (client / server hop, medians): Heddle ${addedCpu(TLS_PATHS.heddle, 'heddle pair')} µs, nginx ${addedCpu(TLS_PATHS.nginx, 'nginx pair')} µs, pipe pair ${addedCpu(TLS_PATHS.pipe, PIPE_PATH)} µs. CPU per request is each hop's utime+stime over the round (from /proc, nginx master plus worker) divided by the requests wrk completed.`,
      `The nginx and Heddle TLS paths run in the same processes as their plaintext ones. "heddle pair, mTLS" sends \`GET http://${MTLS_SERVICE.host}:${MTLS_SERVICE.port}/\` to the same client sidecar; the \`reviews-mtls\` ServiceEntry points at the same server sidecar and app port as \`reviews\`, with its endpoint labelled \`security.istio.io/tlsMode: istio\`, so auto mTLS makes the client originate Istio mTLS (certificates from the control plane's CA, issued to both sidecars' bootstrap tokens) and the server, in the default PERMISSIVE mode, terminates it. Before any round the benchmark sends requests on each Heddle path and stops unless the server sidecar's \`istio_requests_total\` counted the mTLS ones as \`connection_security_policy="mutual_tls"\` from the client's SPIFFE ID and the plaintext ones as \`none\`. "nginx pair, TLS" is the same two nginx with a second port (8083): the client nginx originates TLS 1.3 (\`proxy_ssl_*\`, its own certificate, the server's verified, upstream keepalive 64, session reuse) and the server nginx terminates it with \`ssl_verify_client on\`; both use one self-signed ECDSA P-256 certificate made by openssl. "node pipe pair, TLS" is a second pipe pair (127.0.77.8 → 127.0.77.9 → app, \`bench/node-pipe-hop.ts\` with \`--tls\`): the client hop takes plaintext and originates TLS 1.3 with \`tls.connect\` (its own certificate, the server's verified, TLS 1.3 session tickets offered again), one upstream TLS connection per downstream connection, and the server hop terminates it with \`requestCert\` and \`rejectUnauthorized\` and pipes plaintext to the app; both use one self-signed ECDSA P-256 certificate made by openssl the same way. All three pairs use ECDSA P-256 keys and TLS 1.3. The TLS pipe pair opens its upstream TLS connection when wrk opens a connection, so every round starts with 32 handshakes on it (resumed with a session ticket after the first few, still 10–20 ms each while they run at once), where the nginx and Heddle pairs keep their TLS connections pooled across rounds: those handshakes weigh on its p99 more than on its rps.`,
      'Where the mTLS cost goes: handshakes are per connection, and every connection here is kept alive. During a 32-connection wrk run the client sidecar held 32 mTLS connections to the server sidecar (one per downstream connection, HTTP/1.1 pooling), and the same 32 stayed open between runs (counted with `ss` while probing the rig), so the whole run pays a few dozen handshakes (X25519 key exchange, ECDSA P-256 signatures, certificate checks), not one per request. All three pairs negotiate TLS 1.3 with TLS_AES_256_GCM_SHA384 (checked with `openssl s_client`). What each request pays is encrypting and decrypting its request and response records on both hops. nginx calls OpenSSL from its C event loop; a Heddle sidecar also passes every read and write through Node\'s TLSSocket, a JavaScript stream wrapped around OpenSSL, which adds a layer of work per chunk on top of the cipher. The TLS pipe pair pays that same TLSSocket layer and nothing else, so its distance from the plain pipe pair is what TLS costs any Node proxy here, and its distance from Heddle mTLS is the HTTP work of the sidecars. The CPU column shows what that costs each hop when it is saturated; the fixed-rate table shows the same at 1,000 rps, where the hops are mostly idle.',
      'What limits each figure: direct — the single-threaded Node upstream and wrk, sharing 2 cores with everything else on the machine; nginx pair — two nginx workers plus the upstream and wrk on the same 2 cores (4 busy processes on 2 cores); Heddle pair — each sidecar is one Node event loop, so the pair\'s rate is bounded by the slower sidecar\'s per-request CPU, again on cores shared with the upstream and wrk. The machine is shared with other work; compare ratios within this run.',
    ],
  };
}
