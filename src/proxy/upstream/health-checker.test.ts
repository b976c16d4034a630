import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { HealthCheckConfig } from '../config/cluster.js';
import { createHealthChecker } from './health-checker.js';
import { createHostSet } from './host-set.js';
import { makeAssignment } from './lb-conformance.js';

/** Polls `condition` every 5 ms for at most `ms`; fails the test when it never holds. */
async function waitFor(condition: () => boolean, what: string, ms = 1500): Promise<void> {
  for (let waited = 0; waited < ms; waited += 5) {
    if (condition()) return;
    await delay(5);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const FAST: HealthCheckConfig = { intervalMs: 20, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 2 };

describe('HealthChecker', () => {
  it('Should mark a host failing after HTTP check failures and healthy again once it recovers', async () => {
    let status = 200;
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    const port = await listen(server);
    const set = createHostSet(makeAssignment([{ address: '127.0.0.1', port }]));
    const host = set.hosts[0]!;
    const checker = createHealthChecker({ ...FAST, httpPath: '/healthz/ready' }, () => set);
    try {
      checker.start();
      assert.equal(host.failedActiveHealthCheck, true, 'a new host waits for its first check');
      await waitFor(() => !host.failedActiveHealthCheck, 'the first check to pass');
      assert.equal(paths[0], '/healthz/ready');
      status = 503;
      await waitFor(() => host.failedActiveHealthCheck, 'the host to fail');
      assert.equal(set.priorities[0]!.healthy.length, 0);
      status = 200;
      await waitFor(() => !host.failedActiveHealthCheck, 'the host to recover');
      assert.equal(set.priorities[0]!.healthy.length, 1);
    } finally {
      checker.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Should pass a TCP check while the port accepts and fail it once nothing listens', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    const port = await listen(server);
    const set = createHostSet(makeAssignment([{ address: '127.0.0.1', port }]));
    const host = set.hosts[0]!;
    const checker = createHealthChecker(FAST, () => set);
    try {
      checker.start();
      await waitFor(() => !host.failedActiveHealthCheck, 'the TCP check to pass');
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      await waitFor(() => host.failedActiveHealthCheck, 'the TCP check to fail');
    } finally {
      checker.close();
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Should count a check that gets no answer in time as a failure', async () => {
    let answer = true;
    const server = http.createServer((_req, res) => {
      // Once `answer` is off the server stays silent: only the checker's timeout can end the check.
      if (answer) res.writeHead(200).end();
    });
    const port = await listen(server);
    const set = createHostSet(makeAssignment([{ address: '127.0.0.1', port }]));
    const host = set.hosts[0]!;
    const checker = createHealthChecker({ ...FAST, timeoutMs: 30, unhealthyThreshold: 1, httpPath: '/' }, () => set);
    try {
      checker.start();
      await waitFor(() => !host.failedActiveHealthCheck, 'the first check to pass');
      answer = false;
      await waitFor(() => host.failedActiveHealthCheck, 'a timed-out check to fail the host', 500);
    } finally {
      checker.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
