// Benchmark: bulk TCP throughput through nothing, the nginx pair (stream proxy), the Node pipe pair
// and the Heddle pair (a TCP-proxied port: the `sink` ServiceEntry has `protocol: TCP`, so Pilot
// builds a tcp_proxy chain).
import { benchPaths, authorityFor, interleave, PIPE_PATH } from './proxy-paths.js';
import type { ProxyRig } from './proxy-rig.js';
import { median, type BenchTable } from './report.js';
import { runBulkTransfer, type BulkResult } from './tcp-bulk.js';

const CONNECTIONS = 4;
const MB_EACH = 64;
const ROUNDS = 5;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Runs the rounds and returns the table for bench/RESULTS.md. */
export async function runProxyTcpBench(rig: ProxyRig, log: (line: string) => void): Promise<BenchTable> {
  const paths = benchPaths(rig, 'tcp');
  const via = (name: string) => (name === 'heddle pair' ? authorityFor('tcp') : undefined);
  const bytes = MB_EACH * 1024 * 1024;
  log(`proxy-tcp: ${CONNECTIONS} connections × ${MB_EACH} MB, one warm-up transfer per path, ${ROUNDS} interleaved rounds`);
  const { results, failures } = await interleave<BulkResult>(
    paths,
    ROUNDS,
    (p) => runBulkTransfer(p.host, p.port, via(p.name), CONNECTIONS, bytes),
    async (p) => {
      const r = await runBulkTransfer(p.host, p.port, via(p.name), CONNECTIONS, bytes);
      log(`  ${p.name}: ${fmt(r.mbPerS)} MB/s`);
      return r;
    },
    log,
  );
  const mbs = (name: string) => median((results.get(name) ?? []).map((r) => r.mbPerS));
  const rows = paths.map((p) => {
    const runs = results.get(p.name) ?? [];
    if (runs.length === 0) return [p.name, 'failed', '', '', failures.get(p.name)?.split('\n')[0] ?? 'no runs'];
    const values = runs.map((r) => r.mbPerS);
    return [p.name, fmt(mbs(p.name)), `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`, fmt(mbs(p.name) / mbs('direct'), 2), fmt(mbs(p.name) / mbs('nginx pair'), 2)];
  });
  const [nginx, pipe, heddle] = [mbs('nginx pair'), mbs(PIPE_PATH), mbs('heddle pair')];
  return {
    title: `Proxy pair, TCP bulk transfer (${CONNECTIONS} connections × ${MB_EACH} MB, median of ${ROUNDS} interleaved rounds)`,
    header: ['path', 'MB/s', 'range', '× direct', '× nginx pair'],
    rows,
    notes: [
      'Each connection writes 64 MB in 64 KiB chunks with backpressure and half-closes; the sink (a Node server) answers the byte count it received, which is checked. The client is this Node process. The Heddle pair is entered as an explicit-mode client does it: `CONNECT sink:9082` on the client sidecar\'s outbound port, after which the tunnel is dispatched to the `sink` port\'s TCP proxy chain (ServiceEntry `protocol: TCP`), then the server sidecar\'s inbound TCP chain, then the sink. nginx: `stream` proxy_pass on both sides (client 127.0.77.4:8082 → server 127.0.77.5:8082 → sink); direct connects to the sink.',
      `**The Node pipe pair, which carries the stream through two Node processes with \`socket.pipe\` and nothing else, reached ${fmt(pipe)} MB/s: ${fmt(pipe / nginx, 2)}× the nginx pair; the Heddle pair reached ${fmt(heddle / pipe, 2)}× the pipe pair.** The pipe pair (127.0.77.12 → 127.0.77.13 → sink, \`bench/node-pipe-hop.ts\`) is entered directly (no CONNECT), opens one upstream connection per downstream connection and passes each half-close on; it is what two Node event loops reach moving these bytes, the floor for a Node TCP proxy on this machine.`,
      'What limits it: direct — the Node client and Node sink on 2 cores (copying through loopback); nginx pair — two more copies through user space, in C; Node pipe pair — the same two copies, each through a Node event loop (one turn per read); Heddle pair — two Node processes each piping every chunk (one event-loop turn per read), plus the CONNECT handshake once per connection.',
    ],
  };
}
