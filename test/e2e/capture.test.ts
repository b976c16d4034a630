// Transparent capture end to end: two network-namespace "pods" joined by a veth pair, each with
// istio-init's rules (`heddle iptables apply`) and a sidecar in capture mode; unmodified apps
// (curl, a plain Node HTTP server, a TCP echo server) talk through both sidecars.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { issueBootstrapToken } from '../../src/citadel/bootstrap-token.js';
import { waitForLog } from '../support/heddle.js';
import { createPodNetwork, netnsUnavailableReason, type Pod, type PodNetwork } from '../support/netns.js';

const skip = netnsUnavailableReason();
const HOST = 'svc-b.default.svc.cluster.local';
const PROXY_UID = 1337;
const APP_SCRIPT = `
const http = require('node:http'), net = require('node:net');
http.createServer((req, res) => res.end('hello from pod-b ' + req.url + ' host=' + req.headers.host + ' peer=' + req.socket.remoteAddress + ' rid=' + (req.headers['x-request-id'] ? 'yes' : 'no')))
  .listen(8080, '0.0.0.0', () => net.createServer((s) => s.pipe(s)).listen(9000, '0.0.0.0', () => console.log('ready')));
`;
const ECHO_CLIENT = `
const s = require('node:net').connect(9000, process.argv[1], () => s.end('ping-through-the-mesh'));
let got = ''; s.on('data', (d) => (got += d)); s.on('close', () => { console.log(got); process.exit(0); });
s.on('error', (e) => { console.error(e.message); process.exit(1); });
`;

/** Resolves once `child` prints `text` on stdout, at most `ms`. */
function waitForStdout(child: ChildProcess, text: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms; saw: ${seen}`)), ms);
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Runs curl in `pod` until it answers 200 (at most `attempts` tries, 300 ms apart); returns the body. */
async function curlUntilOk(pod: Pod, args: readonly string[], attempts = 20): Promise<string> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const r = pod.exec('curl', ['-sS', '--max-time', '3', '-w', '\n%{http_code}', ...args], { check: false, timeoutMs: 5000 });
    const code = r.stdout.slice(r.stdout.lastIndexOf('\n') + 1);
    if (r.status === 0 && code === '200') return r.stdout.slice(0, r.stdout.lastIndexOf('\n'));
    last = `${code} ${r.stdout}${r.stderr}`;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`curl ${args.join(' ')} never answered 200; last: ${last}`);
}

/** The sum of a Prometheus metric's samples whose labels include every `labels` pair. */
function metricSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function stats(pod: Pod): string {
  return pod.exec('curl', ['-sS', '--max-time', '3', 'http://127.0.0.1:15090/stats/prometheus'], { timeoutMs: 5000 }).stdout;
}

describe('Transparent capture between two pods', { skip, timeout: 120_000 }, () => {
  let net: PodNetwork | undefined;
  let configDir: string | undefined;
  let tokenDir: string | undefined;
  let a: Pod;
  let b: Pod;

  before(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'heddle-capture-'));
    tokenDir = await mkdtemp(join(tmpdir(), 'heddle-capture-tokens-'));
    const caDir = join(tokenDir, 'ca');
    net = createPodNetwork(`hdlc${process.pid % 10000}`, 100 + (process.pid % 100));
    ({ a, b } = net);
    // The control plane lives in pod A, outside the mesh: its ports are excluded from capture.
    const cp = a.spawnHeddle(['control-plane', '--log-format', 'json', '--config', configDir, '--ca-dir', caDir, '--bind', '0.0.0.0', '--debounce', '20', '--push-debounce', '20']);
    const app = b.spawn(process.execPath, ['-e', APP_SCRIPT]);
    // A user's own nat rule, which clean must leave alone.
    a.exec('iptables', ['-t', 'nat', '-N', 'KEEP_ME']);
    a.exec('iptables', ['-t', 'nat', '-A', 'OUTPUT', '-p', 'udp', '-j', 'KEEP_ME']);
    const excludeControlPlane = ['-d', '15090,15021,15020,15010,15014'];
    const rules = Promise.all([
      a.heddle(['iptables', 'apply', ...excludeControlPlane]).then(() => a.heddle(['iptables', 'apply', ...excludeControlPlane])),
      b.heddle(['iptables', 'apply']),
    ]);
    await Promise.all([waitForLog(cp, (l) => typeof l.xds === 'string', 20_000), waitForStdout(app, 'ready', 20_000)]);
    // Pod A's sidecar starts as root and drops to 1337 itself; pod B's starts as 1337 under setpriv.
    // Connections they open before the rules exist are not redirected later, so order is free.
    // Each sidecar proves its identity with a bootstrap token, readable by the proxy uid it runs as.
    const token = async (serviceAccount: string): Promise<string> => {
      const file = join(tokenDir!, `${serviceAccount}.jwt`);
      await writeFile(file, await issueBootstrapToken(caDir, { namespace: 'default', serviceAccount }), { mode: 0o600 });
      await chown(file, PROXY_UID, PROXY_UID);
      return file;
    };
    await chmod(tokenDir, 0o711);
    const common = ['sidecar', '--log-format', 'json', '--mode', 'capture', '--namespace', 'default', '--drain-timeout', '200'];
    const sidecarA = a.spawnHeddle([...common, '--name', 'client', '--label', 'app=client', '--service-account', 'client', '--token-file', await token('client'), '--ip', a.ip, '--xds-address', '127.0.0.1:15010']);
    const sidecarB = b.spawnHeddle([...common, '--name', 'svc-b', '--label', 'app=svc-b', '--service-account', 'svc-b', '--token-file', await token('svc-b'), '--ip', b.ip, '--app-port', 'http:8080', '--app-port', 'tcp-echo:9000', '--xds-address', `${a.ip}:15010`], { asUser: PROXY_UID });
    await Promise.all([
      rules,
      waitForLog(sidecarA, (l) => l.msg === 'sidecar ready', 30_000),
      waitForLog(sidecarB, (l) => l.msg === 'sidecar ready', 30_000),
      waitForLog(sidecarA, (l) => l.msg === 'dropped privileges to the proxy uid/gid', 30_000),
    ]);
  });

  after(async () => {
    await net?.remove();
    if (configDir) await rm(configDir, { recursive: true, force: true });
    if (tokenDir) await rm(tokenDir, { recursive: true, force: true });
  });

  it('Should install each capture rule once even when applied twice', () => {
    const saved = a.exec('iptables-save', ['-t', 'nat']).stdout;
    assert.equal(saved.match(/^-A PREROUTING -p tcp -j ISTIO_INBOUND$/gm)?.length, 1);
    assert.equal(saved.match(/^-A OUTPUT -p tcp -j ISTIO_OUTPUT$/gm)?.length, 1);
    assert.equal(saved.match(/^-A ISTIO_OUTPUT -j ISTIO_REDIRECT$/gm)?.length, 1);
    assert.match(a.exec('ip6tables-save', ['-t', 'nat']).stdout, /^-A ISTIO_OUTPUT -s ::6\/128 -o lo -j RETURN$/m);
  });

  it('Should carry a request to pod B\'s IP through both sidecars to the unmodified app', async () => {
    const body = await curlUntilOk(a, [`http://${b.ip}:8080/by-ip`]);
    // The inbound forward reached the app at the pod IP from 127.0.0.6, after the outbound sidecar added a request id.
    assert.equal(body, `hello from pod-b /by-ip host=${b.ip}:8080 peer=127.0.0.6 rid=yes`);
  });

  it('Should carry a request to pod B\'s service name through both sidecars', async () => {
    const body = await curlUntilOk(a, ['--resolve', `${HOST}:8080:${b.ip}`, `http://${HOST}:8080/by-name`]);
    assert.equal(body, `hello from pod-b /by-name host=${HOST}:8080 peer=127.0.0.6 rid=yes`);
  });

  it('Should count a request once in each sidecar\'s metrics, as source in A and destination in B, over mutual TLS', async () => {
    const count = () => ({
      source: metricSum(stats(a), 'istio_requests_total', { reporter: 'source', destination_service: HOST, response_code: '200' }),
      destination: metricSum(stats(b), 'istio_requests_total', { reporter: 'destination', response_code: '200', connection_security_policy: 'mutual_tls', source_principal: 'spiffe://cluster.local/ns/default/sa/client' }),
    });
    const before = count();
    await curlUntilOk(a, ['--resolve', `${HOST}:8080:${b.ip}`, `http://${HOST}:8080/counted`]);
    const after = count();
    assert.ok(before.source >= 1, `requests to ${HOST} reported by source before: ${before.source}`);
    assert.deepEqual({ source: after.source - before.source, destination: after.destination - before.destination }, { source: 1, destination: 1 });
  });

  it('Should carry a TCP echo through both sidecars and count the connection in each', () => {
    const r = a.exec(process.execPath, ['-e', ECHO_CLIENT, b.ip], { timeoutMs: 10_000 });
    assert.equal(r.stdout.trim(), 'ping-through-the-mesh');
    assert.ok(metricSum(stats(a), 'istio_tcp_connections_opened_total', { reporter: 'source' }) >= 1, 'source-reported TCP connections');
    assert.ok(metricSum(stats(b), 'istio_tcp_connections_opened_total', { reporter: 'destination' }) >= 1, 'destination-reported TCP connections');
  });

  it('Should remove exactly the capture rules on clean', async () => {
    await Promise.all([a.heddle(['iptables', 'clean']), b.heddle(['iptables', 'clean'])]);
    for (const pod of [a, b]) {
      assert.doesNotMatch(pod.exec('iptables-save', ['-t', 'nat']).stdout, /ISTIO/);
      assert.doesNotMatch(pod.exec('ip6tables-save', ['-t', 'nat']).stdout, /ISTIO/);
    }
    assert.match(a.exec('iptables-save', ['-t', 'nat']).stdout, /^-A OUTPUT -p udp -j KEEP_ME$/m);
  });
});
