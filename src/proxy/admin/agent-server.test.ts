import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createAgentServer, type AgentServerOptions, type AgentTarget } from './agent-server.js';
import type { AdminState, DrainRequest } from './admin-target.js';

interface Answer {
  readonly status: number;
  readonly type: string | undefined;
  readonly allow: string | undefined;
  readonly body: string;
}

function call(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], allow: res.headers.allow, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A proxy that records what the agent server asked of it; draining moves it to DRAINING as the sidecar does. */
class FakeProxy implements AgentTarget {
  current: AdminState = 'PRE_INITIALIZING';
  drains: DrainRequest[] = [];
  quits = 0;
  failMetrics = false;
  state(): AdminState {
    return this.current;
  }
  async prometheus(): Promise<string> {
    if (this.failMetrics) throw new Error('registry broke');
    return '# HELP istio_requests_total Total requests.\n# TYPE istio_requests_total counter\nistio_requests_total{response_code="200"} 1\n';
  }
  drainListeners(request: DrainRequest): void {
    this.drains.push(request);
    this.current = 'DRAINING';
  }
  quit(): void {
    this.quits++;
  }
}

const AGENT_TEXT = [
  '# HELP istio_agent_scrapes_total The total number of scrapes.',
  '# TYPE istio_agent_scrapes_total counter',
  'istio_agent_scrapes_total 1',
  '# HELP istio_requests_total Not the agent\'s to declare.',
  '# TYPE istio_requests_total counter',
  'istio_requests_total 42',
  '',
].join('\n');

async function withServer(proxy: FakeProxy, extra: Partial<AgentServerOptions>, body: (port: number) => Promise<void>): Promise<void> {
  const server = createAgentServer({ port: 0, address: '127.0.0.1', target: proxy, agentMetrics: async () => AGENT_TEXT, ...extra });
  const { port } = await server.listen();
  try {
    await body(port);
  } finally {
    await server.close();
  }
}

describe('createAgentServer', () => {
  it('Should answer /healthz/ready with 503 until the proxy is LIVE, then 200', async () => {
    const proxy = new FakeProxy();
    await withServer(proxy, {}, async (port) => {
      assert.deepEqual(await call(port, 'GET', '/healthz/ready'), { status: 503, type: 'text/plain; charset=UTF-8', allow: undefined, body: 'PRE_INITIALIZING\n' });
      proxy.current = 'LIVE';
      assert.equal((await call(port, 'GET', '/healthz/ready')).status, 200);
      assert.equal((await call(port, 'HEAD', '/healthz/ready')).status, 200);
    });
  });

  it('Should serve the proxy\'s metrics followed by the agent\'s, declaring each family once', async () => {
    await withServer(new FakeProxy(), {}, async (port) => {
      const r = await call(port, 'GET', '/stats/prometheus');
      assert.equal(r.status, 200);
      assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
      assert.ok(r.body.indexOf('istio_requests_total{response_code="200"} 1') < r.body.indexOf('istio_agent_scrapes_total 1'), 'proxy first, then agent');
      assert.equal(r.body.match(/^# TYPE istio_requests_total /gm)?.length, 1);
      assert.equal(r.body.match(/^# HELP istio_requests_total /gm)?.length, 1);
      assert.doesNotMatch(r.body, /istio_requests_total 42/);
    });
  });

  it('Should put the app\'s metrics between the proxy\'s and the agent\'s, within the scraper\'s timeout', async () => {
    const asked: (number | undefined)[] = [];
    const appMetrics = async (timeoutMs: number | undefined) => {
      asked.push(timeoutMs);
      return '# TYPE app_orders_total counter\napp_orders_total 7\n';
    };
    await withServer(new FakeProxy(), { appMetrics }, async (port) => {
      const r = await call(port, 'GET', '/stats/prometheus', { 'x-prometheus-scrape-timeout-seconds': '2.5' });
      assert.equal(r.status, 200);
      const at = (text: string) => r.body.indexOf(text);
      const [proxyAt, appAt, agentAt] = [at('istio_requests_total{'), at('app_orders_total 7'), at('istio_agent_scrapes_total 1')];
      assert.ok(proxyAt >= 0 && proxyAt < appAt && appAt < agentAt, `proxy, app, agent in that order:\n${r.body}`);
      await call(port, 'GET', '/stats/prometheus');
      assert.deepEqual(asked, [2500, undefined]);
    });
  });

  it('Should still serve the proxy\'s and the agent\'s metrics when the app\'s cannot be read, and say so', async () => {
    const failures: string[] = [];
    const extra: Partial<AgentServerOptions> = { appMetrics: () => Promise.reject(new Error('ECONNREFUSED')), onAppMetricsFailure: (err) => failures.push(err.message) };
    await withServer(new FakeProxy(), extra, async (port) => {
      const r = await call(port, 'GET', '/stats/prometheus');
      assert.equal(r.status, 200);
      assert.match(r.body, /istio_requests_total\{/);
      assert.match(r.body, /istio_agent_scrapes_total 1/);
      assert.deepEqual(failures, ['ECONNREFUSED']);
    });
  });

  it('Should answer 500 when the proxy\'s metrics cannot be gathered', async () => {
    const proxy = new FakeProxy();
    proxy.failMetrics = true;
    await withServer(proxy, {}, async (port) => {
      const r = await call(port, 'GET', '/stats/prometheus');
      assert.equal(r.status, 500);
      assert.match(r.body, /registry broke/);
    });
  });

  it('Should start a graceful drain on POST /drain, after which readiness is 503, and keep serving', async () => {
    const proxy = new FakeProxy();
    proxy.current = 'LIVE';
    await withServer(proxy, {}, async (port) => {
      const refused = await call(port, 'GET', '/drain');
      assert.deepEqual([refused.status, refused.allow], [405, 'POST']);
      assert.deepEqual(proxy.drains, [], 'a GET changes nothing');
      assert.equal((await call(port, 'POST', '/drain')).status, 200);
      assert.deepEqual(proxy.drains, [{ graceful: true, inboundOnly: true }], 'a sidecar drains its inbound listeners, as Istio\'s agent does');
      assert.equal(proxy.quits, 0, 'a drain does not quit');
      assert.deepEqual(await call(port, 'GET', '/healthz/ready'), { status: 503, type: 'text/plain; charset=UTF-8', allow: undefined, body: 'DRAINING\n' });
    });
  });

  it('Should quit the proxy after answering POST /quitquitquit, and refuse other methods with 405', async () => {
    const proxy = new FakeProxy();
    await withServer(proxy, {}, async (port) => {
      const refused = await call(port, 'GET', '/quitquitquit');
      assert.deepEqual([refused.status, refused.allow], [405, 'POST']);
      assert.equal(proxy.quits, 0);
      assert.equal((await call(port, 'PUT', '/stats/prometheus')).status, 405);
      const r = await call(port, 'POST', '/quitquitquit');
      assert.deepEqual([r.status, r.body], [200, 'OK\n']);
      assert.equal(proxy.quits, 1);
    });
  });

  it('Should refuse to quit or drain for a peer that is not local, while still answering its probes and scrapes', async () => {
    const proxy = new FakeProxy();
    proxy.current = 'LIVE';
    const peers: string[] = [];
    const isLocalPeer = (address: string) => {
      peers.push(address);
      return false;
    };
    await withServer(proxy, { isLocalPeer }, async (port) => {
      assert.equal((await call(port, 'POST', '/quitquitquit')).status, 403);
      assert.equal((await call(port, 'POST', '/drain')).status, 403);
      assert.equal((await call(port, 'GET', '/healthz/ready')).status, 200);
      assert.equal((await call(port, 'GET', '/stats/prometheus')).status, 200);
    });
    assert.deepEqual([proxy.quits, proxy.drains], [0, []]);
    assert.equal(peers.length, 2, 'only quit and drain ask who the peer is');
    assert.match(peers[0]!, /127\.0\.0\.1$/);
  });

  it('Should answer 404 on a path it does not serve', async () => {
    await withServer(new FakeProxy(), {}, async (port) => {
      assert.equal((await call(port, 'GET', '/ready')).status, 404);
      assert.equal((await call(port, 'GET', '/app-health/reviews/livez')).status, 404);
    });
  });
});
