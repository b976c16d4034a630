// The proxy benchmarks as one group: starts the rig once if any of them is selected, runs the
// selected ones in a fixed order (resources first, so its idle memory is measured before any load),
// and always stops the rig.
import { runProxyHttp1Bench } from './proxy-http1.js';
import { runProxyHttp2Bench } from './proxy-http2.js';
import { runProxyResourcesBench } from './proxy-resources.js';
import { startProxyRig, type ProxyRig } from './proxy-rig.js';
import { smokeHttp } from './proxy-smoke.js';
import { runProxyTcpBench } from './proxy-tcp.js';
import type { BenchTable } from './report.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
    for (const [name, proxy] of [['direct', `127.0.0.1:${rig.apps.http1}`], ['nginx pair', '127.0.77.4:8080'], ['heddle pair', '127.0.77.2:15001']] as const) {
      const smoke = smokeHttp(proxy, 'http://reviews:9080/');
      log(`proxy smoke ${name}: ${smoke.detail}`);
    }
    for (const name of selected) tables.push(await RUNNERS[name](rig, log));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rig.stop();
  }
  return tables;
}
