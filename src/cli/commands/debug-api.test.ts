import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getConfigDump, getSyncz, resolveProxy } from './debug-api.js';
import { DebugApiError } from './debug-api-errors.js';

const PRODUCTPAGE = 'sidecar~10.0.0.5~productpage-v1.default~default.svc.cluster.local';
const REVIEWS_V1 = 'sidecar~10.0.0.6~reviews-v1.default~default.svc.cluster.local';
const REVIEWS_V2 = 'sidecar~10.0.0.7~reviews-v2.default~default.svc.cluster.local';
const IDS = [PRODUCTPAGE, REVIEWS_V1, REVIEWS_V2, 'client-1'];

const failsWith = (code: string, pattern: RegExp) => (err: unknown) => err instanceof DebugApiError && err.code === code && pattern.test(err.message);

test('Should resolve a proxy by its id, a prefix of its id or a prefix of its name', () => {
  assert.equal(resolveProxy(IDS, PRODUCTPAGE), PRODUCTPAGE);
  assert.equal(resolveProxy(IDS, 'productpage'), PRODUCTPAGE);
  assert.equal(resolveProxy(IDS, 'sidecar~10.0.0.6'), REVIEWS_V1);
  assert.equal(resolveProxy(IDS, 'client'), 'client-1');
  assert.equal(resolveProxy([PRODUCTPAGE, PRODUCTPAGE], 'product'), PRODUCTPAGE, 'two connections of one proxy are one proxy');
});

test('Should refuse an unknown or ambiguous proxy name, saying what is connected', () => {
  assert.throws(() => resolveProxy(IDS, 'ratings'), failsWith('PROXY_NOT_FOUND', /no connected proxy matches "ratings"; connected: client-1, productpage-v1\.default/));
  assert.throws(() => resolveProxy([], 'x'), failsWith('PROXY_NOT_FOUND', /no proxy is connected/));
  assert.throws(() => resolveProxy(IDS, 'reviews'), failsWith('PROXY_AMBIGUOUS', /"reviews" matches 2 proxies/));
});

async function serve(handler: (url: string) => [number, string]): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const [status, body] = handler(req.url ?? '/');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('Should read syncz and config_dump from the debug API, and name a 404 proxy as not found', async () => {
  const { base, server } = await serve((url) =>
    url === '/debug/syncz'
      ? [200, JSON.stringify({ proxies: [] })]
      : url.startsWith('/debug/config_dump?proxyID=client-1')
        ? [200, JSON.stringify({ proxy: 'client-1', connection: 'c', configs: [] })]
        : [404, JSON.stringify({ error: 'no connected proxy has the id "x"' })],
  );
  try {
    assert.deepEqual(await getSyncz(base), { proxies: [] });
    assert.equal((await getConfigDump(base, 'client-1')).proxy, 'client-1');
    await assert.rejects(getConfigDump(base, 'x'), failsWith('PROXY_NOT_FOUND', /404 no connected proxy has the id "x"/));
  } finally {
    server.close();
  }
});

test('Should say clearly when the control plane cannot be reached or is not Heddle', async () => {
  const { base, server } = await serve(() => [200, '<html>']);
  try {
    await assert.rejects(getSyncz(base), failsWith('CONTROL_PLANE_ERROR', /not JSON; is .* Heddle's monitoring port\?/));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  await assert.rejects(getSyncz(base), failsWith('CONTROL_PLANE_UNREACHABLE', /cannot reach the control plane at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is `heddle control-plane` running\?/));
});
