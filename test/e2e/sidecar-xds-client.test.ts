// The sidecar's xDS client against the real control plane: it connects as Bookinfo's productpage
// sidecar, decodes and ACKs everything Pilot sends, and follows a VirtualService change live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log/index.js';
import type { RouteAction } from '../../src/proxy/config/index.js';
import { createXdsClient, type ProxyConfig } from '../../src/proxy/xds-client/index.js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { REPO_ROOT, stopProcess, waitForLog } from '../support/heddle.js';
import { eventually, writeConfig } from '../support/mesh-config.js';
import { serviceEntry } from '../support/service-entry.js';

const NODE_ID = 'sidecar~127.0.0.2~productpage-v1.default~default.svc.cluster.local';
const REVIEWS_VHOST = 'reviews.default.svc.cluster.local:9080';
const SAMPLES = join(REPO_ROOT, 'samples/bookinfo/networking');

/** A ServiceEntry with one loopback endpoint per version (no traffic is sent to them). */
function bookinfoEntry(name: string, versions: string[], octet: number): string {
  const endpoints = versions.map((v, i) => ({ address: `127.0.${octet}.${i + 1}`, labels: { app: name, version: v }, serviceAccount: `bookinfo-${name}` }));
  return serviceEntry(name, [{ number: 9080, name: 'http' }], endpoints);
}

function reviewsWeights(v1: number, v2: number): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: ${v1}
    - destination: {host: reviews, subset: v2}
      weight: ${v2}
`;
}

/** The [cluster, weight] pairs of the reviews route in route config 9080, if it is there. */
function reviewsSplit(config: ProxyConfig | undefined): Array<[string, number]> | undefined {
  const route = config?.routes.get('9080')?.virtualHosts.find((v) => v.name === REVIEWS_VHOST)?.routes[0];
  if (route?.action.kind !== 'route') return undefined;
  return (route.action as RouteAction).clusters.map((c) => [c.name, c.weight]);
}

interface Syncz {
  proxies: Array<{ proxy: string; xds: Record<string, { state: string }> }>;
}

test('Should decode, ACK and follow what the control plane sends a Bookinfo sidecar', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-sidecar-xds-'));
  await writeConfig(dir, {
    'services.yaml': [
      bookinfoEntry('productpage', ['v1'], 1),
      bookinfoEntry('details', ['v1'], 2),
      bookinfoEntry('reviews', ['v1', 'v2', 'v3'], 3),
      bookinfoEntry('ratings', ['v1'], 4),
    ].join('---\n'),
    'destination-rule-all.yaml': await readFile(join(SAMPLES, 'destination-rule-all.yaml'), 'utf8'),
    'virtual-service-reviews.yaml': await readFile(join(SAMPLES, 'virtual-service-reviews-80-20.yaml'), 'utf8'),
  });
  const cp = startControlPlaneProcess(dir, join(dir, '.ca'));
  let client: ReturnType<typeof createXdsClient> | undefined;
  try {
    const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
    const monitoring = String(ready.monitoring);
    client = createXdsClient({
      server: String(ready.xds),
      node: {
        id: NODE_ID,
        cluster: 'productpage.default',
        metadata: {
          NAMESPACE: 'default',
          LABELS: { app: 'productpage', version: 'v1' },
          POD_PORTS: JSON.stringify([{ name: 'http', containerPort: 9080, protocol: 'TCP' }]),
        },
      },
      logger: createLogger({ level: process.env.E2E_XDS_DEBUG ? 'debug' : 'warn', format: 'json' }),
    });
    const c = client;
    const config = await eventually(async () => (c.current?.ready && c.current.routes.has('9080') ? c.current : undefined), 15_000, 'a ready config');

    assert.deepEqual([...config.listeners.keys()].sort(), ['0.0.0.0_9080', 'virtualInbound', 'virtualOutbound']);
    const port9080 = config.listeners.get('0.0.0.0_9080')?.filterChains[0]?.network;
    assert.equal(port9080?.kind === 'http' ? port9080.hcm.rdsRouteConfigName : undefined, '9080');
    assert.deepEqual(reviewsSplit(config), [
      ['outbound|9080|v1|reviews.default.svc.cluster.local', 80],
      ['outbound|9080|v2|reviews.default.svc.cluster.local', 20],
    ]);
    for (const name of ['outbound|9080|v1|reviews.default.svc.cluster.local', 'outbound|9080||ratings.default.svc.cluster.local', 'PassthroughCluster', 'BlackHoleCluster', 'inbound|9080||']) {
      assert.ok(config.clusters.has(name), `missing cluster ${name}`);
    }
    const reviewsV1 = config.clusters.get('outbound|9080|v1|reviews.default.svc.cluster.local');
    assert.equal(reviewsV1?.serviceHost, 'reviews.default.svc.cluster.local');
    assert.equal(reviewsV1?.subset, 'v1');
    const all = config.endpoints.get('outbound|9080||reviews.default.svc.cluster.local');
    assert.deepEqual(all?.localities.flatMap((l) => l.endpoints.map((e) => `${e.address}:${e.port}`)).sort(), ['127.0.3.1:9080', '127.0.3.2:9080', '127.0.3.3:9080']);
    const v2 = config.endpoints.get('outbound|9080|v2|reviews.default.svc.cluster.local');
    assert.deepEqual(v2?.localities.flatMap((l) => l.endpoints.map((e) => e.address)), ['127.0.3.2']);

    const synced = await eventually(async () => {
      const res = await fetch(`${monitoring}/debug/syncz`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as Syncz;
      const me = body.proxies.find((p) => p.proxy === NODE_ID);
      return me && ['CDS', 'EDS', 'LDS', 'RDS'].every((t) => me.xds[t]?.state === 'SYNCED') ? me : undefined;
    }, 10_000, 'every type SYNCED in /debug/syncz');
    assert.ok(synced);
    for (const t of ['CDS', 'EDS', 'LDS', 'RDS']) assert.equal(c.status().types[t]?.lastNackError, undefined, `${t} was NACKed`);
    assert.equal(c.status().connected, true);

    await writeConfig(dir, { 'virtual-service-reviews.yaml': reviewsWeights(50, 50) });
    await eventually(async () => (reviewsSplit(c.current)?.every(([, w]) => w === 50) ? true : undefined), 15_000, 'the 50/50 split');
    assert.deepEqual(reviewsSplit(c.current), [
      ['outbound|9080|v1|reviews.default.svc.cluster.local', 50],
      ['outbound|9080|v2|reviews.default.svc.cluster.local', 50],
    ]);
  } finally {
    client?.close();
    const code = await stopProcess(cp);
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'the control plane exits cleanly');
  }
});
