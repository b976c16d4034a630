// The proxy benchmarks as one group: starts the rig once if any of them is selected, checks every
// HTTP/1.1 path (and that the Heddle mTLS path is mutual TLS) and the h2c and TCP pipe pairs, runs
// the selected ones in a fixed order (resources first, so its idle memory is measured before any
// load), and always stops the rig.
import { assertPathSecurity } from './mtls-check.js';
import { benchPaths, PIPE_PATH, TLS_PATHS, type BenchPath } from './proxy-paths.js';
import { runProxyHttp1Bench } from './proxy-http1.js';
import { runProxyHttp2Bench } from './proxy-http2.js';
import { runProxyResourcesBench } from './proxy-resources.js';
import { startProxyRig, type ProxyRig } from './proxy-rig.js';
import { smokeHttp, type SmokeResult } from './proxy-smoke.js';
import { runProxyTcpBench } from './proxy-tcp.js';
import { runBulkTransfer } from './tcp-bulk.js';
import type { BenchTable } from './report.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** Installs wrk, hey, h2load and nginx from Debian when missing (DESIGN §7: the bench brings its tools). */
const ENSURE_TOOLS = fileURLToPath(new URL('../../scripts/ensure-bench-tools.sh', import.meta.url));

/** The names `npm run bench NAME...` selects them by. */
export const PROXY_BENCHES = ['proxy-resources', 'proxy-http1', 'proxy-http2', 'proxy-tcp'] as const;

const RUNNERS: Record<(typeof PROXY_BENCHES)[number], (rig: ProxyRig, log: (line: string) => void) => Promise<BenchTable>> = {
  'proxy-resources': runProxyResourcesBench,
  'proxy-http1': runProxyHttp1Bench,
  'proxy-http2': runProxyHttp2Bench,
  'proxy-tcp': runProxyTcpBench,
};

/** Requests per path for the mTLS check. */
const SECURITY_CHECK_REQUESTS = 3;
/** How long a TLS path may take to answer its first request (the sidecars fetch certificates after they are ready). */
const TLS_READY_TRIES = 40;
const TLS_READY_EVERY_MS = 250;

const smokePath = (p: BenchPath): SmokeResult => smokeHttp(`${p.host}:${p.port}`, `http://${p.authority}/`);

/**
 * Smoke-tests every HTTP/1.1 path, waiting (bounded) for the TLS paths to answer, then proves from
 * the server sidecar's metrics that the Heddle mTLS path is mutual TLS and the plaintext one is not.
 * Throws, stopping the benchmark, when a TLS path never answers or either proof fails.
 */
async function checkHttpPaths(rig: ProxyRig, log: (line: string) => void): Promise<void> {
  const paths = benchPaths(rig, 'http1', { tls: true });
  for (const p of paths) {
    let smoke = smokePath(p);
    for (let i = 1; p.plaintext && !smoke.ok && i < TLS_READY_TRIES; i++) {
      await sleep(TLS_READY_EVERY_MS);
      smoke = smokePath(p);
    }
    log(`proxy smoke ${p.name}: ${smoke.detail}`);
    if (p.plaintext && !smoke.ok) throw new Error(`${p.name} does not answer: ${smoke.detail}\n${p.logs().slice(-1500)}`);
  }
  const send = (p: BenchPath) => () => Array.from({ length: SECURITY_CHECK_REQUESTS }, () => smokePath(p)).filter((r) => r.ok).length;
  for (const p of paths.filter((x) => x.name === 'heddle pair' || x.name === TLS_PATHS.heddle)) {
    const expected = p.plaintext ? 'mutual_tls' : 'none';
    await assertPathSecurity(rig.heddle.serverStatsUrl, p.name, expected, send(p));
    log(`proxy security ${p.name}: the server sidecar counted its requests as connection_security_policy="${expected}"`);
  }
}

/** Bytes the TCP pipe pair's check sends (and the sink must count). */
const PIPE_CHECK_BYTES = 1024 * 1024;

/**
 * Checks that the h2c pipe pair answers an h2c request (curl, prior knowledge) and that the TCP
 * pipe pair carries a transfer to the sink whole. Throws, stopping the benchmark, when either fails.
 */
async function checkPipePaths(rig: ProxyRig, log: (line: string) => void): Promise<void> {
  const find = (kind: 'h2c' | 'tcp') => benchPaths(rig, kind).find((p) => p.name === PIPE_PATH)!;
  const h2c = find('h2c');
  const smoke = smokeHttp('', `http://${h2c.host}:${h2c.port}/`, ['--http2-prior-knowledge']);
  log(`proxy smoke ${PIPE_PATH} (h2c): ${smoke.detail}`);
  if (!smoke.ok) throw new Error(`${PIPE_PATH} (h2c) does not answer: ${smoke.detail}\n${h2c.logs().slice(-1500)}`);
  const tcp = find('tcp');
  try {
    await runBulkTransfer(tcp.host, tcp.port, undefined, 1, PIPE_CHECK_BYTES, 10_000);
  } catch (err) {
    throw new Error(`${PIPE_PATH} (tcp) does not carry a transfer: ${(err as Error).message}\n${tcp.logs().slice(-1500)}`, { cause: err });
  }
  log(`proxy smoke ${PIPE_PATH} (tcp): the sink counted all ${PIPE_CHECK_BYTES} bytes`);
}

/** Runs the proxy benchmarks that `wanted` selects; resolves with their tables (none if none selected). */
export async function runProxyBenches(wanted: (name: string) => boolean, log: (line: string) => void): Promise<BenchTable[]> {
  const selected = PROXY_BENCHES.filter(wanted);
  if (selected.length === 0) return [];
  const tools = spawnSync('sh', [ENSURE_TOOLS], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  if (tools.status !== 0) throw new Error(`${ENSURE_TOOLS} failed (${tools.status}); install wrk, hey, nghttp2-client, nginx and libnginx-mod-stream`);
  const rig = await startProxyRig(log);
  // An interrupted run must not leave sidecars and nginx running.
  const onSignal = (signal: NodeJS.Signals) => void rig.stop().finally(() => process.kill(process.pid, signal));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tables: BenchTable[] = [];
  try {
    await checkHttpPaths(rig, log);
    await checkPipePaths(rig, log);
    for (const name of selected) tables.push(await RUNNERS[name](rig, log));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rig.stop();
  }
  return tables;
}
