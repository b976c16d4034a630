import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import * as grpc from '@grpc/grpc-js';
import { createGalley, parseConfigText, type ConfigSource } from '../galley/index.js';
import { LISTENER_TYPE, loadAds, type DiscoveryResponse__Output } from '../xds/index.js';
import { structFromJson } from '../xds/struct.js';
import type { SynczResponse } from '../pilot/server/index.js';
import { startMonitoring } from './monitoring.js';
import { startPilot } from './pilot.js';
import { xdsDebugHandlers } from './xds-debug.js';

const HOST = 'echo.default.svc.cluster.local';
const TARGET = `${HOST}:7070`;
const SERVICE_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: echo}
spec:
  hosts: [${HOST}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: 7070, name: grpc, protocol: GRPC}
  endpoints:
  - address: 127.0.0.1
    ports: {grpc: 50051}
`;
const VIRTUAL_SERVICE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo}
spec:
  hosts: [${HOST}]
  http:
  - timeout: 2s
    route:
    - destination: {host: ${HOST}}
`;

/** Config held in memory: no files, no watching. */
const memorySource: ConfigSource = {
  description: 'memory',
  list: async () => [{ id: 'se.yaml', parsed: parseConfigText(SERVICE_ENTRY, 'se.yaml') }],
  watch: () => () => undefined,
};

/** Polls `check` every 10 ms, at most 300 times (the push debounce runs on real timers here). */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in time');
}

test('Should serve xDS over Galley, show proxies on the debug API, and push each new snapshot', async () => {
  const log = pino({ level: 'silent' });
  const galley = createGalley({ source: memorySource, log });
  await galley.start({ watch: false });
  const registry = new Registry();
  const pilot = await startPilot(galley, { host: '127.0.0.1', port: 0, debounceMs: 5, maxDebounceMs: 1000 }, registry, log);
  const monitoring = await startMonitoring({ host: '127.0.0.1', port: 0, registry, ready: () => true, debug: xdsDebugHandlers(pilot.server) });
  const Ads = loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService;
  const client = new Ads(`127.0.0.1:${pilot.port}`, grpc.credentials.createInsecure());
  const call = client.StreamAggregatedResources();
  call.on('error', () => undefined);
  const get = (path: string) => fetch(`http://127.0.0.1:${monitoring.port}${path}`, { signal: AbortSignal.timeout(5000) });
  const syncz = async () => ((await (await get('/debug/syncz')).json()) as SynczResponse).proxies.find((p) => p.proxy === 'client-1');
  try {
    const first = new Promise<DiscoveryResponse__Output>((resolve, reject) => {
      call.once('data', resolve);
      setTimeout(() => reject(new Error('no LDS response')), 5000).unref();
    });
    call.write({ node: { id: 'client-1', metadata: structFromJson({ GENERATOR: 'grpc', NAMESPACE: 'default' }) }, type_url: LISTENER_TYPE, resource_names: [TARGET] });
    const lds = await first;
    assert.equal(lds.type_url, LISTENER_TYPE);
    assert.match(lds.version_info, /^1\.\d+$/, 'versions read <snapshot>.<push>');
    call.write({ type_url: LISTENER_TYPE, resource_names: [TARGET], response_nonce: lds.nonce, version_info: lds.version_info });

    const status = await eventually(async () => {
      const p = await syncz();
      return p?.xds['LDS']?.state === 'SYNCED' ? p : undefined;
    });
    assert.equal(status.generator, 'grpc');
    assert.equal((await get('/debug/config_dump')).status, 400);
    const missing = await get('/debug/config_dump?proxyID=nobody');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'no connected proxy has the id "nobody"' });
    const dump = (await (await get('/debug/config_dump?proxyID=client-1')).json()) as { configs: Array<{ type: string; resources: Array<{ name: string }> }> };
    assert.deepEqual(dump.configs.find((c) => c.type === 'LDS')?.resources.map((r) => r.name), [TARGET], 'the grpc LDS generator answered');

    galley.apply([{ id: 'vs.yaml', parsed: parseConfigText(VIRTUAL_SERVICE, 'vs.yaml') }]);
    const version = await eventually(async () => {
      const v = (await syncz())?.version ?? '';
      return v.startsWith('2.') ? v : undefined;
    });
    assert.match(version, /^2\.\d+$/, 'the connection was brought up to the push context of snapshot 2');
    assert.match(await registry.metrics(), /pilot_push_triggers\{type="config"\} 1/);
    assert.match(await registry.metrics(), /pilot_xds\{version="unknown"\} 1/);
  } finally {
    call.cancel();
    client.close();
    await pilot.stop();
    await monitoring.close();
    galley.stop();
  }
});

test('Should start a full push when a fetched JWKS changes, and stop listening once stopped', async () => {
  const log = pino({ level: 'silent' });
  const galley = createGalley({ source: memorySource, log });
  await galley.start({ watch: false });
  const registry = new Registry();
  const listeners = new Set<() => void>();
  const jwks = { onChange: (l: () => void) => (listeners.add(l), () => listeners.delete(l)) };
  const pilot = await startPilot(galley, { host: '127.0.0.1', port: 0, debounceMs: 5, maxDebounceMs: 1000, jwks }, registry, log);
  const Ads = loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService;
  const client = new Ads(`127.0.0.1:${pilot.port}`, grpc.credentials.createInsecure());
  const call = client.StreamAggregatedResources();
  call.on('error', () => undefined);
  const responses: DiscoveryResponse__Output[] = [];
  call.on('data', (r: DiscoveryResponse__Output) => {
    responses.push(r);
    call.write({ type_url: LISTENER_TYPE, resource_names: [TARGET], response_nonce: r.nonce, version_info: r.version_info });
  });
  try {
    call.write({ node: { id: 'client-jwks', metadata: structFromJson({ GENERATOR: 'grpc', NAMESPACE: 'default' }) }, type_url: LISTENER_TYPE, resource_names: [TARGET] });
    await eventually(async () => (responses.length >= 1 ? true : undefined));
    assert.equal(listeners.size, 1, 'Pilot subscribed to the key sets');
    for (const l of listeners) l();
    // The generated listeners are unchanged here, so nothing is resent; the e2e JWT test sees a changed key set arrive.
    await eventually(async () => (/pilot_push_triggers\{type="jwks"\} 1/.test(await registry.metrics()) ? true : undefined));
  } finally {
    call.cancel();
    client.close();
    await pilot.stop();
    galley.stop();
  }
  assert.equal(listeners.size, 0, 'Pilot unsubscribed on stop');
});
