import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createAdminServer, type AdminServer } from './admin-server.js';
import { isLoopbackAddress } from './admin-http.js';
import type { NamedSecret } from './admin-certs.js';
import type { AdminState, AdminTarget, ClusterStatus, DrainRequest } from './admin-target.js';

const CLUSTERS: ClusterStatus[] = [
  {
    name: 'outbound|9080||reviews.default.svc.cluster.local',
    hosts: [
      { address: '10.0.0.7', port: 9080, healthFlags: [], weight: 1, locality: { region: 'eu', zone: 'a', subZone: '' }, rqActive: 0, rqTotal: 5, rqError: 0, cxActive: 1, outlierEjected: false },
      { address: '10.0.0.8', port: 9080, healthFlags: [], weight: 2, locality: { region: 'eu', zone: 'b', subZone: '' }, rqActive: 1, rqTotal: 9, rqError: 6, cxActive: 2, outlierEjected: true },
    ],
  },
];

/** A target that records what the admin server asked of it. */
class FakeTarget implements AdminTarget {
  current: AdminState = 'LIVE';
  level = 'info';
  drained: string[] = [];
  quits = 0;
  configDump(): unknown {
    return [{ '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', version_info: '3' }];
  }
  clusterStatuses(): readonly ClusterStatus[] {
    return CLUSTERS;
  }
  stats(): ReadonlyMap<string, number> {
    return new Map([
      ['server.live', 1],
      ['cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total', 14],
      ['cluster.inbound|9080||.upstream_rq_total', 3],
    ]);
  }
  state(): AdminState {
    return this.current;
  }
  drainListeners(request: DrainRequest): void {
    this.drained.push(`${request.graceful ? 'graceful' : 'now'}${request.inboundOnly ? ' inbound' : ''}`);
  }
  quit(): void {
    this.quits++;
  }
  logLevel(): string {
    return this.level;
  }
  setLogLevel(level: string): boolean {
    if (!['debug', 'info', 'warn', 'error'].includes(level)) return false;
    this.level = level;
    return true;
  }
  async prometheus(): Promise<string> {
    return '# TYPE istio_requests_total counter\nistio_requests_total 1\n';
  }
  serverInfo(): object {
    return { version: 'heddle/0.1.0', command_line_options: { concurrency: 2 } };
  }
  secrets(): readonly NamedSecret[] {
    return [{ name: 'default', secret: undefined }];
  }
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

function call(port: number, method: string, path: string): Promise<Reply> {
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

describe('createAdminServer', () => {
  const target = new FakeTarget();
  let clock = 1_000_000;
  let server: AdminServer;
  let port = 0;
  const get = (path: string): Promise<Reply> => call(port, 'GET', path);
  const post = (path: string): Promise<Reply> => call(port, 'POST', path);

  before(async () => {
    server = createAdminServer(target, { port: 0, now: () => clock });
    port = (await server.listen()).port;
  });
  after(() => server.close());

  it('Should refuse to bind anywhere but loopback', () => {
    assert.throws(() => createAdminServer(target, { port: 0, address: '0.0.0.0' }), /not loopback/);
    assert.throws(() => createAdminServer(target, { port: 0, address: '10.0.0.7' }), RangeError);
    assert.equal(isLoopbackAddress('::1'), true);
    assert.equal(isLoopbackAddress('127.0.0.6'), true);
    assert.equal(isLoopbackAddress('::'), false);
    assert.equal(isLoopbackAddress('::ffff:10.0.0.1'), false);
  });

  it("Should serve the target's config dump as Envoy's ConfigDump, followed by the target's secrets as a SecretsConfigDump", async () => {
    const r = await get('/config_dump');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/json');
    const secrets = {
      '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
      dynamic_active_secrets: [],
      dynamic_warming_secrets: [{ name: 'default', version_info: '', secret: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', name: 'default' } }],
    };
    assert.deepEqual(JSON.parse(r.body), { configs: [...(target.configDump() as unknown[]), secrets] });
  });

  it("Should print the clusters in Envoy's text format and as JSON", async () => {
    const text = (await get('/clusters')).body.split('\n');
    const c = 'outbound|9080||reviews.default.svc.cluster.local';
    for (const line of [`${c}::10.0.0.7:9080::health_flags::healthy`, `${c}::10.0.0.7:9080::weight::1`, `${c}::10.0.0.7:9080::rq_total::5`, `${c}::10.0.0.7:9080::cx_active::1`, `${c}::10.0.0.8:9080::health_flags::/failed_outlier_check`, `${c}::10.0.0.8:9080::rq_error::6`, `${c}::10.0.0.8:9080::zone::b`]) {
      assert.ok(text.includes(line), `has ${line}`);
    }
    const json = JSON.parse((await get('/clusters?format=json')).body) as { cluster_statuses: { name: string; host_statuses: { address: unknown; weight: number; health_status: Record<string, unknown> }[] }[] };
    assert.equal(json.cluster_statuses[0]?.name, c);
    assert.deepEqual(json.cluster_statuses[0]?.host_statuses[0]?.address, { socket_address: { address: '10.0.0.7', port_value: 9080 } });
    assert.equal(json.cluster_statuses[0]?.host_statuses[1]?.health_status['failed_outlier_check'], true);
  });

  it('Should print the stats sorted, filtered by an RE2 regex, and as JSON', async () => {
    assert.equal((await get('/stats')).body, 'cluster.inbound|9080||.upstream_rq_total: 3\ncluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total: 14\nserver.live: 1\n');
    assert.equal((await get('/stats?filter=' + encodeURIComponent('^cluster\\.outbound'))).body, 'cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total: 14\n');
    assert.deepEqual(JSON.parse((await get('/stats?format=json&filter=live')).body), { stats: [{ name: 'server.live', value: 1 }] });
    const bad = await get('/stats?filter=' + encodeURIComponent('(unclosed'));
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Invalid re2 regex/);
  });

  it('Should serve the Prometheus exposition with its content type', async () => {
    const r = await get('/stats/prometheus');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(r.body, /^istio_requests_total 1$/m);
  });

  it('Should answer /ready with 200 LIVE only when live', async () => {
    target.current = 'PRE_INITIALIZING';
    assert.deepEqual([(await get('/ready')).status, (await get('/ready')).body], [503, 'PRE_INITIALIZING\n']);
    target.current = 'DRAINING';
    assert.deepEqual([(await get('/ready')).status, (await get('/ready')).body], [503, 'DRAINING\n']);
    target.current = 'LIVE';
    assert.deepEqual([(await get('/ready')).status, (await get('/ready')).body], [200, 'LIVE\n']);
  });

  it('Should list the log level, and change it only by POST', async () => {
    assert.match((await get('/logging')).body, /heddle: info/);
    assert.equal((await get('/logging?level=debug')).status, 405);
    assert.equal(target.level, 'info');
    const r = await post('/logging?level=debug');
    assert.equal(r.status, 200);
    assert.match(r.body, /heddle: debug/);
    assert.equal((await post('/logging?level=loud')).status, 400);
    assert.equal(target.level, 'debug');
  });

  it('Should answer 405 to GET on the endpoints that change state', async () => {
    assert.equal((await get('/drain_listeners')).status, 405);
    assert.equal((await get('/quitquitquit')).status, 405);
    assert.deepEqual(target.drained, []);
    assert.equal(target.quits, 0);
  });

  it('Should drain the listeners, gracefully and inbound only when asked', async () => {
    assert.equal((await post('/drain_listeners')).status, 200);
    assert.equal((await post('/drain_listeners?graceful')).status, 200);
    assert.equal((await post('/drain_listeners?inboundonly&graceful')).status, 200);
    assert.deepEqual(target.drained, ['now', 'graceful', 'graceful inbound']);
  });

  it('Should answer /quitquitquit and then quit', async () => {
    const r = await post('/quitquitquit');
    assert.equal(r.status, 200);
    assert.equal(target.quits, 1);
  });

  it('Should report the server info with state and uptime from the injected clock', async () => {
    clock += 42_500;
    const info = JSON.parse((await get('/server_info')).body) as Record<string, unknown>;
    assert.equal(info['state'], 'LIVE');
    assert.equal(info['uptime_current_epoch'], '42s');
    assert.equal(info['version'], 'heddle/0.1.0');
    assert.deepEqual(info['command_line_options'], { concurrency: 2 });
  });

  it('Should serve /certs as JSON, leaving out secrets that have no value yet', async () => {
    const certs = await get('/certs');
    assert.equal(certs.status, 200);
    assert.match(certs.type, /application\/json/);
    assert.deepEqual(JSON.parse(certs.body), { certificates: [] });
  });

  it('Should list the endpoints at / and answer 404 to an unknown path', async () => {
    const index = await get('/');
    assert.equal(index.status, 200);
    for (const path of ['/certs', '/config_dump', '/clusters', '/stats', '/ready', '/logging', '/quitquitquit']) assert.ok(index.body.includes(`  ${path}:`), path);
    assert.equal((await get('/nope')).status, 404);
  });
});
