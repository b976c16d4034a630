// `heddle agent` end to end: the real control plane issues the workload certificate, the agent
// writes it and the gRPC bootstrap to disk and renews them, and an unmodified grpc-js-xds client
// routes through the control plane with that bootstrap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { GrpcBootstrap } from '../../src/agent/grpc-bootstrap.js';
import { issueBootstrapToken } from '../../src/citadel/bootstrap-token.js';
import { startControlPlaneProcess } from '../support/control-plane-process.js';
import { runHeddle, startHeddle, stopProcess, waitForLog } from '../support/heddle.js';
import { startEchoServer, type EchoServer } from '../support/grpc/echo-server.js';
import { echoServiceEntry, eventually } from '../support/mesh-config.js';
import { uriSans } from '../support/mtls-probe.js';

const HOST = 'echo.default.svc.cluster.local';
const PORT = 7070;
const CLIENT = fileURLToPath(new URL('../support/grpc/xds-client.js', import.meta.url));
const SPIFFE = 'spiffe://cluster.local/ns/default/sa/echo-client';

let dir: string;
let caDir: string;
let cp: ChildProcess;
let xds: string;
let echo: EchoServer;
let tokenFile: string;
const agents: ChildProcess[] = [];

/** Every PEM block in `text`, as certificates. */
function certificates(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
}

interface Written {
  leaf: X509Certificate;
  rootFingerprints: string[];
}

/** Reads the agent's certificate files and checks them: one URI SAN, a chain to a root in root-cert.pem, key.pem 0600 and the leaf's key. */
async function checkCertificateFiles(out: string): Promise<Written> {
  const chain = certificates(await readFile(join(out, 'cert-chain.pem'), 'utf8'));
  const roots = certificates(await readFile(join(out, 'root-cert.pem'), 'utf8'));
  const key = createPrivateKey(await readFile(join(out, 'key.pem')));
  const leaf = chain[0];
  assert.ok(leaf, 'cert-chain.pem holds a certificate');
  assert.ok(roots.length > 0, 'root-cert.pem holds a root');
  assert.deepEqual(uriSans(leaf), [SPIFFE]);
  assert.ok(leaf.checkPrivateKey(key), 'key.pem is the leaf\'s key');
  assert.equal((await stat(join(out, 'key.pem'))).mode & 0o777, 0o600);
  for (let i = 0; i + 1 < chain.length; i++) assert.ok(chain[i]!.verify(chain[i + 1]!.publicKey), `chain[${i}] is signed by chain[${i + 1}]`);
  const top = chain[chain.length - 1]!;
  assert.ok(roots.some((root) => top.checkIssued(root) && top.verify(root.publicKey)), 'the chain ends at a root in root-cert.pem');
  // What grpc-js does with the files: it refuses a key that does not match the chain.
  createSecureContext({ cert: await readFile(join(out, 'cert-chain.pem')), key: await readFile(join(out, 'key.pem')), ca: await readFile(join(out, 'root-cert.pem')) });
  const now = Date.now();
  assert.ok(Date.parse(leaf.validFrom) <= now && now < Date.parse(leaf.validTo), `the leaf is valid now (${leaf.validFrom} – ${leaf.validTo})`);
  return { leaf, rootFingerprints: roots.map((r) => r.fingerprint256) };
}

/** Starts `heddle agent` for echo-client writing into `out`; resolves with its `agent ready` log line. */
async function startAgent(out: string, extra: readonly string[] = []): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> {
  const child = startHeddle([
    'agent', '--log-format', 'json', '--xds-address', xds, '--output-dir', out,
    '--name', 'echo-client', '--service-account', 'echo-client', '--label', 'app=echo-client,version=v1',
    ...extra,
  ]);
  agents.push(child);
  const ready = await waitForLog(child, (l) => l.msg === 'agent ready', 20_000);
  return { child, ready };
}

/** Runs the grpc-js-xds client with `bootstrap`; resolves with its final tally line. */
function runClient(bootstrap: string, calls: number): Promise<{ byServer?: Record<string, number>; byError?: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, '--target', `xds:///${HOST}:${PORT}`, '--calls', String(calls), '--concurrency', '1'], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      const done = stdout.split('\n').filter((l) => l.includes('"done"')).map((l) => JSON.parse(l) as { byServer?: Record<string, number> })[0];
      if (code === 0 && done) resolve(done);
      else reject(new Error(`client exited ${code}: ${stderr}`));
    });
  });
}

before(async () => {
  // The no-token case must not pick up a token from the environment.
  delete process.env.HEDDLE_TOKEN_FILE;
  dir = await mkdtemp(join(tmpdir(), 'heddle-agent-'));
  caDir = join(dir, 'ca');
  await mkdir(join(dir, 'config'));
  echo = await startEchoServer('v1');
  await writeFile(join(dir, 'config', 'se.yaml'), echoServiceEntry(HOST, PORT, { v1: echo.port }));
  cp = startControlPlaneProcess(join(dir, 'config'), caDir);
  const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
  xds = String(ready.xds);
  tokenFile = join(dir, 'echo-client.jwt');
  await writeFile(tokenFile, await issueBootstrapToken(caDir, { namespace: 'default', serviceAccount: 'echo-client' }), { mode: 0o600 });
});

after(async () => {
  await Promise.all(agents.map((a) => stopProcess(a)));
  await stopProcess(cp);
  await echo?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('Should write the workload certificate and a bootstrap that an unmodified grpc-js-xds client routes with, and exit 0 on SIGTERM', async () => {
  const out = join(dir, 'agent');
  const { child, ready } = await startAgent(out, ['--token-file', tokenFile]);
  const bootstrapPath = join(out, 'grpc-bootstrap.json');
  assert.equal(ready.bootstrap, bootstrapPath);
  assert.deepEqual((await readdir(out)).sort(), ['cert-chain.pem', 'grpc-bootstrap.json', 'key.pem', 'root-cert.pem']);

  const written = await checkCertificateFiles(out);
  const caRoot = new X509Certificate(await readFile(join(caDir, 'root-cert.pem')));
  assert.deepEqual(written.rootFingerprints, [caRoot.fingerprint256], 'root-cert.pem is the control plane\'s trust bundle');

  const bootstrap = JSON.parse(await readFile(bootstrapPath, 'utf8')) as GrpcBootstrap;
  assert.deepEqual(bootstrap.xds_servers, [{ server_uri: xds, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }]);
  assert.equal(bootstrap.node.id, 'sidecar~127.0.0.1~echo-client.default~default.svc.cluster.local');
  assert.deepEqual(bootstrap.node.metadata.LABELS, { app: 'echo-client', version: 'v1' });
  assert.equal(bootstrap.node.metadata.GENERATOR, 'grpc');
  assert.equal(bootstrap.node.metadata.SERVICE_ACCOUNT, 'echo-client');
  assert.deepEqual(bootstrap.certificate_providers, {
    default: {
      plugin_name: 'file_watcher',
      config: { certificate_file: join(out, 'cert-chain.pem'), private_key_file: join(out, 'key.pem'), ca_certificate_file: join(out, 'root-cert.pem'), refresh_interval: '5s' },
    },
  });
  assert.equal(bootstrap.server_listener_resource_name_template, 'xds.istio.io/grpc/lds/inbound/%s');

  const tally = await runClient(bootstrapPath, 5);
  assert.deepEqual(tally.byServer, { v1: 5 }, `calls failed: ${JSON.stringify(tally.byError)}`);

  assert.equal(await stopProcess(child), 0);
  await access(join(out, 'cert-chain.pem'));
});

test('Should renew a short-lived certificate on disk, every version valid and matching its key', async () => {
  const out = join(dir, 'rotating');
  const { child } = await startAgent(out, ['--token-file', tokenFile, '--cert-ttl', '4s']);
  const serials = [(await checkCertificateFiles(out)).leaf.serialNumber];
  for (let round = 0; round < 2; round++) {
    // About 2 s per rotation; the key and the chain are renamed back to back, so a read can rarely
    // straddle them: retry until a consistent new pair is on disk.
    const next = await eventually(async () => {
      const { leaf } = await checkCertificateFiles(out);
      return serials.includes(leaf.serialNumber) ? undefined : leaf.serialNumber;
    }, 10_000, `rotation ${round + 1}`);
    serials.push(next);
  }
  assert.equal(new Set(serials).size, 3);
  assert.deepEqual((await readdir(out)).sort(), ['cert-chain.pem', 'grpc-bootstrap.json', 'key.pem', 'root-cert.pem'], 'no temporary files are left');
  assert.equal(await stopProcess(child), 0);
});

test('Should write a plaintext bootstrap without a token, and still route the client', async () => {
  const out = join(dir, 'plaintext');
  const { child } = await startAgent(out);
  assert.deepEqual(await readdir(out), ['grpc-bootstrap.json']);
  const bootstrap = JSON.parse(await readFile(join(out, 'grpc-bootstrap.json'), 'utf8')) as Record<string, unknown>;
  assert.equal('certificate_providers' in bootstrap, false);
  const tally = await runClient(join(out, 'grpc-bootstrap.json'), 3);
  assert.deepEqual(tally.byServer, { v1: 3 });
  assert.equal(await stopProcess(child), 0);
});

test('Should refuse bad flags with a clear error and exit code 1', () => {
  const missing = runHeddle(['agent', '--output-dir', join(dir, 'unused'), '--name', 'a']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--xds-address/);
  const bad = runHeddle(['agent', '--xds-address', 'localhost', '--output-dir', join(dir, 'unused'), '--name', 'a']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--xds-address must be HOST:PORT, got "localhost"/);
});
