// `--concurrency N`: a sidecar whose data path runs in N worker processes sharing its listeners,
// with one xDS stream and one admin and stats endpoint that sum what the workers saw.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { proxyClient, runConcurrently } from '../support/proxy-client.js';
import { prometheusText } from '../support/sidecar-config-wait.js';
import { meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

const CLIENT: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.70', port: 22000, sidecarArgs: ['--concurrency', '2'] };
const SERVER: WorkloadSpec = { name: 'reviews-v1', app: 'reviews', version: 'v1', ip: '127.0.0.71', port: 22001 };

let mesh: Mesh;

before(async () => {
  mesh = await startMesh({ 'reviews.yaml': meshServiceEntry('reviews', 9080, [SERVER]) }, [CLIENT, SERVER]);
});

after(async () => {
  await mesh?.stop();
});

/** The process ids of `pid`'s children, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('Should serve through worker processes and sum their metrics on the one stats port', async (t) => {
  if (process.platform !== 'linux') return t.skip('reads worker processes from /proc, which only Linux has');
  const client = mesh.workloads.get(CLIENT.name)!;
  const pid = client.sidecar!.pid!;
  assert.equal(childrenOf(pid).length, 2, 'two worker processes run under the sidecar');
  const request = proxyClient(`http://${CLIENT.ip}:15001`);
  const results = await runConcurrently(40, 8, () => request('http://reviews:9080/'));
  assert.deepEqual(results.map((r) => r.status), Array(40).fill(200));
  let total = 0;
  for (let i = 0; i < 40 && total < 40; i++) {
    // Workers report to the primary on a scrape; sum every series of the client's requests.
    const text = await prometheusText(client.statsPort);
    total = text.split('\n').filter((l) => l.startsWith('istio_requests_total{reporter="source"')).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    if (total < 40) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(total, 40, 'the primary sums every worker\'s istio_requests_total');
  const clusters = await (await fetch(`http://127.0.0.1:${client.adminPort}/clusters`)).text();
  assert.match(clusters, /outbound\|9080\|\|reviews\.default\.svc\.cluster\.local::127\.0\.0\.71:22001::rq_total::\d+/);
});
