// Benchmark: HTTP/2 (h2c, prior knowledge) with h2load through nothing, the nginx pair, the Node
// pipe pair and the Heddle pair, plus the nginx and Heddle server-side hops alone, in interleaved rounds.
import { runH2load, type H2loadResult } from './load-h2load.js';
import { NGINX_PORTS } from './nginx-pair.js';
import { authorityFor, benchPaths, interleave, PIPE_PATH, type BenchPath } from './proxy-paths.js';
import type { ProxyRig } from './proxy-rig.js';
import { median, type BenchTable } from './report.js';

const CONNECTIONS = 4;
const STREAMS = 16;
const ROUND_S = 4;
const ROUNDS = 3;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The server-side hop of each pair on its own: h2c straight into the server nginx or the inbound sidecar. */
function serverHops(rig: ProxyRig): BenchPath[] {
  return [
    { name: 'nginx server hop only', host: '127.0.77.5', port: NGINX_PORTS.h2c, authority: authorityFor('h2c'), hops: [], alive: () => rig.nginx.alive(), logs: () => rig.nginx.logs().server },
    { name: 'heddle inbound hop only', host: '127.0.77.3', port: rig.apps.h2c, authority: authorityFor('h2c'), hops: [], alive: () => rig.heddle.alive(), logs: () => rig.heddle.logs().server },
  ];
}

/** A run that got no successful response counts as a failure of the path, with h2load's summary. */
async function h2(path: BenchPath, seconds: number): Promise<H2loadResult> {
  const r = await runH2load(path.host, path.port, authorityFor('h2c'), CONNECTIONS, STREAMS, seconds);
  if (r.succeeded === 0) throw new Error(`h2load got no successful response: ${r.failure ?? ''}`);
  return r;
}

/** Runs the rounds and returns the table for bench/RESULTS.md. */
export async function runProxyHttp2Bench(rig: ProxyRig, log: (line: string) => void): Promise<BenchTable> {
  const paths = [...benchPaths(rig, 'h2c'), ...serverHops(rig)];
  log(`proxy-http2: h2load -c${CONNECTIONS} -m${STREAMS}, one warm-up run per path, ${ROUNDS} interleaved rounds of ${ROUND_S} s`);
  const { results, failures } = await interleave<H2loadResult>(
    paths,
    ROUNDS,
    (p) => h2(p, 5),
    async (p) => {
      const r = await h2(p, ROUND_S);
      log(`  ${p.name}: ${fmt(r.rps)} rps, ${r.failed} failed`);
      return r;
    },
    log,
  );
  const rps = (name: string) => median((results.get(name) ?? []).map((r) => r.rps));
  const rows = paths.map((p) => {
    const runs = results.get(p.name) ?? [];
    if (runs.length === 0) return [p.name, 'failed', '', '', `${(failures.get(p.name) ?? 'no runs').split('\n')[0]!.slice(0, 300)}`];
    return [p.name, fmt(rps(p.name)), fmt(rps(p.name) / rps('direct'), 2), String(runs.reduce((s, r) => s + r.failed, 0)), ''];
  });
  const [nginx, pipe, heddle] = [rps('nginx pair'), rps(PIPE_PATH), rps('heddle pair')];
  return {
    title: `Proxy pair, HTTP/2 h2c (h2load -c${CONNECTIONS} -m${STREAMS}, median of ${ROUNDS} interleaved ${ROUND_S} s rounds)`,
    header: ['path', 'rps', '× direct', 'failed requests', 'failure'],
    rows,
    notes: [
      `Every path gets h2c with prior knowledge and \`:authority: ${authorityFor('h2c')}\` (the \`ratings\` ServiceEntry, \`protocol: HTTP2\`); the upstream is Node's http2 server with the same 12-byte answer. nginx takes h2c on \`listen ... http2\` and forwards with \`grpc_pass\` (HTTP/2 on every hop, upstream keepalive 64). The Heddle pair's entry is the client sidecar's explicit-mode outbound port, as for HTTP/1.1. The "hop only" rows send h2load straight to each pair's server side (the inbound sidecar's app port, the server nginx).`,
      'The explicit-mode outbound port (15001) tells h2c prior knowledge from HTTP/1.1 by its first bytes and routes each HTTP/2 stream by its `:authority`, so h2load reaches the pair exactly as it reaches the nginx pair. Between the sidecars the cluster is HTTP/2 (the ServiceEntry port says HTTP2), with streams multiplexed on pooled connections.',
      `**The Node pipe pair, which carries the h2c bytes unchanged through two Node processes with \`socket.pipe\` and parses no frame, reached ${fmt(pipe)} rps: ${fmt(pipe / rps('direct'), 2)}× direct and ${fmt(pipe / nginx, 2)}× the nginx pair; the Heddle pair reached ${fmt(heddle / pipe, 2)}× the pipe pair.** The pipe pair (127.0.77.10 → 127.0.77.11 → app, \`bench/node-pipe-hop.ts\`) opens one upstream connection per downstream connection, so h2load's ${CONNECTIONS} connections and their streams reach the app as they left h2load; it is what two Node event loops reach moving these frames without reading them, the floor for a Node HTTP/2 proxy on this machine. It can come near direct and above the nginx pair because it does no per-stream work at all, where nginx and the sidecars end each stream and send it again on their own upstream connection.`,
      'What limits it: the Node h2 upstream (direct), then each proxy\'s per-stream work on the 2 shared cores. A "failed" row means the path answered no request at all; the reason is h2load\'s own summary or the proxy\'s log.',
    ],
  };
}
