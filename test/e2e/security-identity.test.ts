// Workload identity end to end: the CA refuses an identity the caller cannot prove (through a real
// sidecar and straight over gRPC), and short-lived certificates rotate under load without losing
// a request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkloadCsr } from '../../src/agent/workload-csr.js';
import { createWorkloadKey } from '../../src/agent/workload-key.js';
import { issueBootstrapToken } from '../../src/citadel/bootstrap-token.js';
import { CaClientError, type CertificateAuthorityClient } from '../../src/security/ca-client.js';
import { createGrpcCaClient } from '../../src/security/ca-grpc-client.js';
import { eventually } from '../support/mesh-config.js';
import { probeTls, signTestCertificate, uriSans } from '../support/mtls-probe.js';
import { proxyClient } from '../support/proxy-client.js';
import { meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.130-132, app ports 22130-22132.
const SHORT_TTL = ['--cert-ttl', '6s'];
const sleep: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.130', port: 22130, sidecarArgs: SHORT_TTL };
const httpbin: WorkloadSpec = { name: 'httpbin-v1', app: 'httpbin', version: 'v1', ip: '127.0.0.131', port: 22131, sidecarArgs: SHORT_TTL };
/** Claims httpbin's service account with a token that proves only its own. */
const impostor: WorkloadSpec = { name: 'impostor-v1', app: 'impostor', version: 'v1', ip: '127.0.0.132', port: 22132, serviceAccount: 'httpbin', tokenServiceAccount: 'impostor' };
const id = (sa: string) => `spiffe://cluster.local/ns/default/sa/${sa}`;

/** Every request gets its own upstream connection, so each one is a handshake with the current certificates. */
const DESTINATION_RULE = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin}
spec:
  host: httpbin.default.svc.cluster.local
  trafficPolicy:
    connectionPool:
      http: {maxRequestsPerConnection: 1}
`;

let mesh: Mesh;
const viaSleep = proxyClient(`http://${sleep.ip}:15001`);

const logsOf = (w: WorkloadSpec) => mesh.workloads.get(w.name)!.logs;
const issuedSerials = (w: WorkloadSpec) => logsOf(w).filter((l) => l.msg === 'workload certificate issued').map((l) => l.serial as string);

function plaintextCurl(url: string): Promise<number> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', url], { encoding: 'utf8', timeout: 10_000 }, (_err, stdout) => resolve(Number(stdout)));
  });
}

function caClient(token: () => Promise<string>): CertificateAuthorityClient {
  return createGrpcCaClient({ address: mesh.xds, token });
}

/** A CSR for service account `sa` in namespace default, with a fresh key. */
async function csrFor(sa: string): Promise<string> {
  return createWorkloadCsr({ trustDomain: 'cluster.local', namespace: 'default', serviceAccount: sa }, await createWorkloadKey());
}

before(async () => {
  mesh = await startMesh({
    'services.yaml': [sleep, httpbin, impostor].map((w) => meshServiceEntry(w.app, 8000, [w], 'HTTP', { mtls: true })).join('---\n'),
    'dr.yaml': DESTINATION_RULE,
  }, [sleep, httpbin, impostor]);
  await eventually(async () => issuedSerials(sleep).length > 0 && issuedSerials(httpbin).length > 0, 15_000, 'sleep and httpbin certificates issued');
});

after(async () => {
  await mesh?.stop();
});

test('Should refuse the certificate of a sidecar whose token proves another service account, logging both identities', async () => {
  const refusal = await eventually(async () => mesh.controlPlaneLogs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('refused a CSR (identity-mismatch)')), 10_000, 'the refusal in the control plane log');
  assert.equal(refusal.claimed, id('httpbin'));
  assert.equal(refusal.proven, id('impostor'));
  const agentError = await eventually(async () => logsOf(impostor).find((l) => typeof l.msg === 'string' && l.msg.startsWith('configuration error: the CA will not issue')), 10_000, 'the agent\'s configuration error');
  assert.match(agentError.msg as string, /PERMISSION_DENIED|caller proved/);
  assert.deepEqual(issuedSerials(impostor), []);
});

test('Should leave a sidecar without a certificate unable to serve mTLS, while plaintext still reaches it', async () => {
  const now = Date.now();
  const client = await signTestCertificate(mesh.caDir, id('tester'), { notBefore: new Date(now - 60_000), notAfter: new Date(now + 600_000) });
  const probe = await probeTls({ host: impostor.ip, port: impostor.port, ...client });
  assert.equal(probe.status, undefined, `the impostor answered mTLS with ${probe.status}`);
  assert.equal(probe.serverCertificate, undefined, 'the impostor presented a certificate');
  const r = await viaSleep('http://impostor.default.svc.cluster.local:8000/');
  assert.equal(r.status, 503, 'sleep\'s sidecar cannot reach the impostor over mTLS');
  assert.equal(await plaintextCurl(`http://${impostor.ip}:${impostor.port}/`), 200);
  // The same certificate does get through to a workload that has its identity: the refusal above is the impostor's.
  assert.equal((await probeTls({ host: httpbin.ip, port: httpbin.port, ...client })).status, 200);
});

test('Should answer a CSR for another identity with permission-denied, and one without a token with unauthenticated', async () => {
  const token = await issueBootstrapToken(mesh.caDir, { namespace: 'default', serviceAccount: 'alice' });
  const withToken = caClient(async () => token);
  const withoutToken = caClient(async () => '');
  const foreignDir = await mkdtemp(join(tmpdir(), 'heddle-foreign-tokens-'));
  const foreignToken = await issueBootstrapToken(join(foreignDir, 'ca'), { namespace: 'default', serviceAccount: 'alice' });
  const withForeignToken = caClient(async () => foreignToken);
  try {
    const own = await withToken.createCertificate({ csrPem: await csrFor('alice'), validitySeconds: 600 });
    assert.deepEqual(uriSans(new X509Certificate(own.certChainPem[0]!)), [id('alice')]);
    const rootPem = await readFile(join(mesh.caDir, 'root-cert.pem'), 'utf8');
    assert.deepEqual(own.trustBundlePem.map((p) => new X509Certificate(p).fingerprint256), [new X509Certificate(rootPem).fingerprint256]);

    const refused = async (client: CertificateAuthorityClient, sa: string, kind: string) => {
      await assert.rejects(client.createCertificate({ csrPem: await csrFor(sa), validitySeconds: 600 }), (err: unknown) => err instanceof CaClientError && err.kind === kind);
    };
    await refused(withToken, 'bob', 'permission-denied');
    await refused(withoutToken, 'alice', 'unauthenticated');
    await refused(withForeignToken, 'alice', 'unauthenticated');
  } finally {
    withToken.close();
    withoutToken.close();
    withForeignToken.close();
    await rm(foreignDir, { recursive: true, force: true });
  }
});

test('Should sign over the secure port (TLS) for a caller whose token proves the identity', async () => {
  const ready = mesh.controlPlaneLogs.find((l) => typeof l.secureXds === 'string');
  assert.ok(ready, 'the control plane logged its secure address');
  const rootCertPem = await readFile(join(mesh.caDir, 'root-cert.pem'), 'utf8');
  const token = await issueBootstrapToken(mesh.caDir, { namespace: 'default', serviceAccount: 'alice' });
  const client = createGrpcCaClient({ address: ready.secureXds as string, token: async () => token, tls: { rootCertPem, serverName: 'istiod.istio-system.svc' } });
  try {
    const signed = await client.createCertificate({ csrPem: await csrFor('alice'), validitySeconds: 600 });
    assert.deepEqual(uriSans(new X509Certificate(signed.certChainPem[0]!)), [id('alice')]);
    await assert.rejects(client.createCertificate({ csrPem: await csrFor('bob'), validitySeconds: 600 }), (err: unknown) => err instanceof CaClientError && err.kind === 'permission-denied');
  } finally {
    client.close();
  }
});

test('Should lose no request while both workload certificates rotate under load', async (t) => {
  const LOAD_MS = 12_000;
  const first = await probeTls({ host: httpbin.ip, port: httpbin.port, ...(await signTestCertificate(mesh.caDir, id('tester'), { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 600_000) })) });
  assert.ok(first.serverCertificate);
  const before = { sleep: issuedSerials(sleep).length, httpbin: issuedSerials(httpbin).length };
  const clientCertHashes = new Set<string>();
  const failures: string[] = [];
  let ok = 0;
  const deadline = Date.now() + LOAD_MS;
  const loop = async (agent: Agent | undefined) => {
    // Bounded by time and by count.
    for (let i = 0; i < 20_000 && Date.now() < deadline; i++) {
      try {
        const r = await viaSleep('http://httpbin.default.svc.cluster.local:8000/', agent ? { agent } : {});
        const xfcc = r.status === 200 ? (JSON.parse(r.body) as { headers: Record<string, string> }).headers['x-forwarded-client-cert'] : undefined;
        if (r.status !== 200 || !xfcc?.endsWith(`URI=${id('sleep')}`)) failures.push(`${r.status} ${r.headers['x-envoy-response-flags'] ?? ''} ${xfcc ?? 'no xfcc'}`);
        else {
          ok++;
          clientCertHashes.add(/Hash=([0-9a-f]+)/.exec(xfcc)?.[1] ?? '');
        }
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // One client keeps its connection to the sidecar, the other opens one per request.
    await Promise.all([loop(keepAlive), loop(undefined)]);
  } finally {
    keepAlive.destroy();
  }
  const rotated = { sleep: issuedSerials(sleep).length - before.sleep, httpbin: issuedSerials(httpbin).length - before.httpbin };
  t.diagnostic(`${ok} requests, ${failures.length} failed; certificates issued during the load: ${JSON.stringify(rotated)}; ${clientCertHashes.size} distinct client certificates seen`);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${failures.length + ok} requests failed`);
  assert.ok(ok >= 50, `only ${ok} requests completed`);
  assert.ok(rotated.sleep >= 2 && rotated.httpbin >= 2, `rotations during the load: ${JSON.stringify(rotated)}`);
  // At half of a 6 s lifetime, not at every chance: at most one renewal every ~2.7 s.
  assert.ok(rotated.sleep <= 5 && rotated.httpbin <= 5, `renewed too often: ${JSON.stringify(rotated)}`);
  assert.ok(clientCertHashes.size >= 3, `httpbin saw ${clientCertHashes.size} distinct client certificates`);
  const last = await probeTls({ host: httpbin.ip, port: httpbin.port, ...(await signTestCertificate(mesh.caDir, id('tester'), { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 600_000) })) });
  assert.equal(last.status, 200);
  assert.notEqual(last.serverCertificate?.serialNumber, first.serverCertificate.serialNumber, 'httpbin serves a new certificate');
  for (const w of [sleep, httpbin]) {
    assert.equal(logsOf(w).filter((l) => typeof l.msg === 'string' && l.msg.includes('expired without renewal')).length, 0);
  }
});
