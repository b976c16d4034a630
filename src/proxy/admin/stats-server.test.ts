import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createStatsServer } from './stats-server.js';

function call(port: number, method: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createStatsServer', () => {
  it('Should serve /stats/prometheus with the exposition content type and 404 elsewhere', async () => {
    let scrapes = 0;
    const server = createStatsServer({
      port: 0,
      address: '127.0.0.1',
      metrics: async () => {
        scrapes++;
        return 'istio_requests_total 3\n';
      },
    });
    const { port } = await server.listen();
    try {
      const ok = await call(port, 'GET', '/stats/prometheus');
      assert.equal(ok.status, 200);
      assert.equal(ok.type, 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(ok.body, 'istio_requests_total 3\n');
      assert.equal((await call(port, 'GET', '/stats/prometheus?x=1')).status, 200);
      assert.equal((await call(port, 'GET', '/stats')).status, 404);
      assert.equal((await call(port, 'GET', '/')).status, 404);
      assert.equal((await call(port, 'POST', '/stats/prometheus')).status, 405);
      assert.equal(scrapes, 2);
    } finally {
      await server.close();
    }
  });

  it('Should answer 500 when the metrics cannot be gathered, and keep serving', async () => {
    let fail = true;
    const server = createStatsServer({
      port: 0,
      address: '127.0.0.1',
      metrics: async () => {
        if (fail) throw new Error('collector broke');
        return 'up 1\n';
      },
    });
    const { port } = await server.listen();
    try {
      const r = await call(port, 'GET', '/stats/prometheus');
      assert.equal(r.status, 500);
      assert.match(r.body, /collector broke/);
      fail = false;
      assert.equal((await call(port, 'GET', '/stats/prometheus')).body, 'up 1\n');
    } finally {
      await server.close();
    }
  });
});
