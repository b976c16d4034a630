import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AgentTarget } from '../admin/agent-server.js';
import type { AdminState } from '../admin/admin-target.js';
import { createSidecarAgentPorts } from './sidecar-agent-ports.js';
import { SIDECAR_DEFAULTS, type SidecarOptions } from './sidecar-options.js';

function options(ports: { agentPort?: number; healthPort?: number }): SidecarOptions {
  return {
    identity: { name: 'reviews-v1', namespace: 'default', serviceAccount: 'reviews', labels: { app: 'reviews' }, trustDomain: 'cluster.local', cluster: 'Kubernetes', ip: '127.0.0.1' },
    proxyType: 'sidecar',
    xdsAddress: '127.0.0.1:1',
    appPorts: [],
    mode: 'explicit',
    ...SIDECAR_DEFAULTS,
    agentPort: undefined,
    healthPort: undefined,
    deltaXds: false,
    accessLog: false,
    ...ports,
  };
}

function target(state: () => AdminState): AgentTarget {
  return { state, prometheus: async () => 'istio_requests_total 1\n', drainListeners: () => undefined, quit: () => undefined };
}

async function listening(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return server;
}

describe('createSidecarAgentPorts', () => {
  it('Should bind nothing when neither port is given', async () => {
    const ports = createSidecarAgentPorts(options({}), target(() => 'LIVE'));
    assert.deepEqual(await ports.listen(), {});
    await ports.close();
  });

  it('Should serve readiness on both ports and the merged metrics with the agent\'s on the agent port', async () => {
    let state: AdminState = 'PRE_INITIALIZING';
    const ports = createSidecarAgentPorts(options({ agentPort: 0, healthPort: 0 }), target(() => state));
    const bound = await ports.listen();
    try {
      assert.ok(bound.agent && bound.health && bound.agent !== bound.health, 'two ports, both picked free');
      for (const port of [bound.agent, bound.health]) assert.equal((await fetch(`http://127.0.0.1:${port}/healthz/ready`)).status, 503);
      state = 'LIVE';
      for (const port of [bound.agent, bound.health]) assert.equal((await fetch(`http://127.0.0.1:${port}/healthz/ready`)).status, 200);
      const text = await (await fetch(`http://127.0.0.1:${bound.agent}/stats/prometheus`)).text();
      assert.match(text, /^istio_requests_total 1$/m);
      assert.match(text, /^istio_agent_scrapes_total 1$/m);
      assert.match(text, /^# TYPE istio_agent_cert_expiry_seconds gauge$/m);
      assert.equal((await fetch(`http://127.0.0.1:${bound.health}/stats/prometheus`)).status, 404, 'the health port serves readiness only');
    } finally {
      await ports.close();
    }
  });

  it('Should fail to start when a port is taken, leaving the other one closed', async () => {
    const taken = await listening();
    const { port } = taken.address() as AddressInfo;
    // A port free a moment ago, for the agent server, so the test can see it is not left bound.
    const probe = await listening();
    const agentPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    try {
      const ports = createSidecarAgentPorts(options({ agentPort, healthPort: port }), target(() => 'LIVE'));
      await assert.rejects(ports.listen(), /EADDRINUSE/);
      await assert.rejects(fetch(`http://127.0.0.1:${agentPort}/healthz/ready`), 'the agent port was closed again');
      await ports.close();
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
