import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AdminState } from './admin-target.js';
import { createHealthServer } from './health-server.js';

function call(port: number, method: string, path: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createHealthServer', () => {
  it('Should answer /healthz/ready with 503 before the first config, 200 once LIVE and 503 again while draining', async () => {
    let state: AdminState = 'PRE_INITIALIZING';
    const server = createHealthServer({ port: 0, address: '127.0.0.1', state: () => state });
    const { port } = await server.listen();
    try {
      assert.deepEqual(await call(port, 'GET', '/healthz/ready'), { status: 503, allow: undefined, body: 'PRE_INITIALIZING\n' });
      state = 'LIVE';
      assert.deepEqual(await call(port, 'GET', '/healthz/ready'), { status: 200, allow: undefined, body: 'LIVE\n' });
      assert.equal((await call(port, 'HEAD', '/healthz/ready')).status, 200);
      state = 'DRAINING';
      assert.deepEqual(await call(port, 'GET', '/healthz/ready?probe=kubelet'), { status: 503, allow: undefined, body: 'DRAINING\n' });
    } finally {
      await server.close();
    }
  });

  it('Should answer 404 on any other path and 405, naming the methods allowed, on a POST', async () => {
    const server = createHealthServer({ port: 0, address: '127.0.0.1', state: () => 'LIVE' });
    const { port } = await server.listen();
    try {
      assert.equal((await call(port, 'GET', '/ready')).status, 404);
      assert.equal((await call(port, 'GET', '/stats/prometheus')).status, 404);
      const post = await call(port, 'POST', '/healthz/ready');
      assert.equal(post.status, 405);
      assert.equal(post.allow, 'GET, HEAD');
    } finally {
      await server.close();
    }
  });
});
