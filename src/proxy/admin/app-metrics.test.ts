import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchAppMetrics, scrapeTimeoutMs } from './app-metrics.js';

async function withApp(handle: (path: string, res: ServerResponse) => void, body: (port: number) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => handle(req.url ?? '/', res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('fetchAppMetrics', () => {
  it('Should read the exposition from the app\'s port and path, /metrics by default', async () => {
    await withApp((path, res) => res.end(`app_hits_total{path="${path}"} 3\n`), async (port) => {
      assert.equal(await fetchAppMetrics({ port }), 'app_hits_total{path="/metrics"} 3\n');
      assert.equal(await fetchAppMetrics({ port, path: '/stats/prom' }), 'app_hits_total{path="/stats/prom"} 3\n');
    });
  });

  it('Should fail on a status other than 200, on a refused connection, and on an answer slower than the bound', async () => {
    await withApp((path, res) => {
      if (path === '/slow') {
        res.write('app_partial 1\n'); // starts, then never finishes
        return;
      }
      res.statusCode = 404;
      res.end('no');
    }, async (port) => {
      await assert.rejects(fetchAppMetrics({ port }), /answered 404/);
      const started = Date.now();
      await assert.rejects(fetchAppMetrics({ port, path: '/slow' }, 200), /took over 200 ms/);
      assert.ok(Date.now() - started < 2000);
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(fetchAppMetrics({ port }), /ECONNREFUSED/);
  });
});

describe('scrapeTimeoutMs', () => {
  it('Should read Prometheus\'s scrape timeout in seconds, capped at a minute, and ignore anything else', () => {
    assert.equal(scrapeTimeoutMs('10'), 10_000);
    assert.equal(scrapeTimeoutMs('0.5'), 500);
    assert.equal(scrapeTimeoutMs(['3', '4']), 3000);
    assert.equal(scrapeTimeoutMs('600'), 60_000);
    for (const bad of [undefined, '', 'soon', '-1', '0']) assert.equal(scrapeTimeoutMs(bad), undefined, String(bad));
  });
});
