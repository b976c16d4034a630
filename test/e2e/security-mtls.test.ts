// Mutual TLS between real sidecars, as Istio's mTLS tasks show it: identities in
// x-forwarded-client-cert and in the metrics, PeerAuthentication PERMISSIVE, STRICT and DISABLE,
// and the inbound port refusing peers without a certificate the mesh's CA signed and that is in date.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/mesh-config.js';
import { createTestRoot, foreignCertificate, probeTls, signTestCertificate, uriSans } from '../support/mtls-probe.js';
import { proxyClient } from '../support/proxy-client.js';
import { prometheusText } from '../support/sidecar-config-wait.js';
import { meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IPs 127.0.0.120-121, app ports 22100-22101.
const sleep: WorkloadSpec = { name: 'sleep-v1', app: 'sleep', version: 'v1', ip: '127.0.0.120', port: 22100 };
const httpbin: WorkloadSpec = { name: 'httpbin-v1', app: 'httpbin', version: 'v1', ip: '127.0.0.121', port: 22101 };
const SLEEP_ID = 'spiffe://cluster.local/ns/default/sa/sleep';
const HTTPBIN_ID = 'spiffe://cluster.local/ns/default/sa/httpbin';
const HTTPBIN_URL = 'http://httpbin.default.svc.cluster.local:8000/headers';
const INBOUND = `http://${httpbin.ip}:${httpbin.port}/headers`;

let mesh: Mesh;
let meshRootPem: string;
/** The root the mesh is rotating to: trusted through `--trust-root`, not yet signing. */
let nextRootDir: string;
const viaSleep = proxyClient(`http://${sleep.ip}:15001`);

interface Echo { headers: Record<string, string> }

/** A request from sleep through both sidecars; returns its status and the headers httpbin saw. */
async function fromSleep(): Promise<{ status: number; xfcc: string | undefined }> {
  const r = await viaSleep(HTTPBIN_URL);
  const xfcc = r.status === 200 ? (JSON.parse(r.body) as Echo).headers['x-forwarded-client-cert'] : undefined;
  return { status: r.status, xfcc };
}

/** curl with no sidecar, straight to httpbin's inbound address: its exit code and the HTTP status. */
function plaintextCurl(url: string): Promise<{ exit: number; status: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '5', '-o', '-', '-w', '\n%{http_code}', url], { encoding: 'utf8', timeout: 10_000 }, (err, stdout) => {
      const nl = stdout.lastIndexOf('\n');
      resolve({ exit: err ? (typeof err.code === 'number' ? err.code : -1) : 0, status: Number(stdout.slice(nl + 1)), body: stdout.slice(0, nl) });
    });
  });
}

/** Sums istio_requests_total samples whose labels include every one of `labels`. */
function requestsTotal(text: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function peerAuthentication(name: string, mode: string, selector?: Record<string, string>): string {
  return `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: default}
spec:
${selector ? `  selector: {matchLabels: ${JSON.stringify(selector)}}\n` : ''}  mtls: {mode: ${mode}}
`;
}

const issued = (name: string) => mesh.workloads.get(name)!.logs.some((l) => l.msg === 'workload certificate issued');

before(async () => {
  nextRootDir = await mkdtemp(join(tmpdir(), 'heddle-next-root-'));
  const nextRootFile = join(nextRootDir, 'next-root.pem');
  await writeFile(nextRootFile, await createTestRoot(join(nextRootDir, 'ca')));
  mesh = await startMesh({
    'services.yaml': [meshServiceEntry('sleep', 8000, [sleep], 'HTTP', { mtls: true }), meshServiceEntry('httpbin', 8000, [httpbin], 'HTTP', { mtls: true })].join('---\n'),
  }, [sleep, httpbin], [], { controlPlaneArgs: ['--trust-root', nextRootFile] });
  meshRootPem = await readFile(join(mesh.caDir, 'root-cert.pem'), 'utf8');
  await eventually(async () => issued(sleep.name) && issued(httpbin.name), 15_000, 'both workload certificates issued');
});

after(async () => {
  await mesh?.stop();
  if (nextRootDir) await rm(nextRootDir, { recursive: true, force: true });
});

test('Should send mTLS between two sidecars by default, with both identities in x-forwarded-client-cert', async () => {
  const r = await fromSleep();
  assert.equal(r.status, 200);
  assert.ok(r.xfcc, 'httpbin saw no x-forwarded-client-cert');
  assert.match(r.xfcc, new RegExp(`^By=${HTTPBIN_ID};Hash=[0-9a-f]{64};Subject="";URI=${SLEEP_ID}$`));
});

test('Should accept plaintext from a client without a sidecar under PERMISSIVE, with no client certificate header', async () => {
  const r = await plaintextCurl(INBOUND);
  assert.equal(r.exit, 0);
  assert.equal(r.status, 200);
  assert.equal((JSON.parse(r.body) as Echo).headers['x-forwarded-client-cert'], undefined);
});

test('Should report mutual_tls and the source principal in the destination sidecar\'s istio_requests_total', async () => {
  const stats = mesh.workloads.get(httpbin.name)!.statsPort;
  const text = await eventually(async () => {
    const t = await prometheusText(stats);
    return requestsTotal(t, { reporter: 'destination', connection_security_policy: 'mutual_tls' }) > 0 ? t : undefined;
  }, 5000, 'a mutual_tls sample');
  assert.ok(requestsTotal(text, { reporter: 'destination', connection_security_policy: 'mutual_tls', source_principal: SLEEP_ID, destination_principal: HTTPBIN_ID, response_code: '200' }) >= 1, text);
  assert.ok(requestsTotal(text, { reporter: 'destination', connection_security_policy: 'none', source_principal: 'unknown' }) >= 1, 'the plaintext request is counted as none');
});

test('Should present a certificate naming the server\'s SPIFFE ID, signed by the mesh CA, and refuse a client presenting none', async () => {
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port, caPem: meshRootPem });
  assert.ok(r.serverCertificate, `no server certificate: ${r.error ?? ''}`);
  assert.deepEqual(uriSans(r.serverCertificate), [HTTPBIN_ID]);
  assert.equal(r.serverVerified, true, 'the server chain verifies against the mesh root');
  assert.equal(r.status, undefined, `answered ${r.status} to a client without a certificate`);
});

interface CertDetail {
  readonly path: string;
  readonly serial_number: string;
  readonly subject_alt_names: readonly Record<string, string>[];
  readonly days_until_expiration: string;
}

test('Should list the certificate it serves and the mesh root on the admin port\'s /certs, as Envoy does', async () => {
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port, caPem: meshRootPem });
  assert.ok(r.serverCertificate, `no server certificate: ${r.error ?? ''}`);
  const admin = mesh.workloads.get(httpbin.name)!.adminPort;
  const body = (await (await fetch(`http://127.0.0.1:${admin}/certs`)).json()) as { certificates: { ca_cert: CertDetail[]; cert_chain: CertDetail[] }[] };
  const served = body.certificates.flatMap((c) => c.cert_chain).find((c) => c.serial_number === r.serverCertificate!.serialNumber.toLowerCase());
  assert.ok(served, `the served certificate is not in /certs: ${JSON.stringify(body)}`);
  assert.deepEqual(served.subject_alt_names, [{ uri: HTTPBIN_ID }]);
  assert.equal(served.path, '<inline>');
  assert.ok(Number(served.days_until_expiration) >= 0);
  const rootSerial = new X509Certificate(meshRootPem).serialNumber.toLowerCase();
  assert.ok(body.certificates.flatMap((c) => c.ca_cert).some((c) => c.serial_number === rootSerial), 'the mesh root is listed under ca_cert');
});

test('Should refuse plaintext under a namespace-wide STRICT policy while the sidecar\'d client still gets 200', async () => {
  await mesh.apply({ 'pa-namespace.yaml': peerAuthentication('default', 'STRICT') });
  const refused = await eventually(async () => {
    const r = await plaintextCurl(INBOUND);
    return r.exit !== 0 ? r : undefined;
  }, 10_000, 'plaintext refused under STRICT');
  // 52: the server closed without a reply; 56: the connection was reset.
  assert.ok([52, 56].includes(refused.exit), `curl exit ${refused.exit}`);
  for (let i = 0; i < 5; i++) {
    const r = await fromSleep();
    assert.equal(r.status, 200);
    assert.match(r.xfcc ?? '', new RegExp(`URI=${SLEEP_ID}$`));
  }
});

test('Should accept a client certificate from the mesh CA under STRICT and name it in x-forwarded-client-cert', async () => {
  const now = Date.now();
  const cert = await signTestCertificate(mesh.caDir, 'spiffe://cluster.local/ns/default/sa/tester', { notBefore: new Date(now - 60_000), notAfter: new Date(now + 600_000) });
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port, ...cert });
  assert.equal(r.status, 200, r.error);
  assert.match((JSON.parse(r.body) as Echo).headers['x-forwarded-client-cert'] ?? '', /URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/tester$/);
});

test('Should accept a client certificate from the second root of the trust bundle while roots rotate', async () => {
  const now = Date.now();
  const cert = await signTestCertificate(join(nextRootDir, 'ca'), SLEEP_ID, { notBefore: new Date(now - 60_000), notAfter: new Date(now + 600_000) });
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port, ...cert });
  assert.equal(r.status, 200, r.error);
  // The proxy still presents the certificate its signing root issued.
  assert.equal(r.serverCertificate?.checkIssued(new X509Certificate(meshRootPem)), true);
});

test('Should refuse a client certificate from the mesh CA that has expired', async () => {
  const now = Date.now();
  const cert = await signTestCertificate(mesh.caDir, SLEEP_ID, { notBefore: new Date(now - 7_200_000), notAfter: new Date(now - 3_600_000) });
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port, ...cert });
  assert.equal(r.status, undefined, `answered ${r.status} to an expired certificate`);
});

test('Should refuse a client certificate for a mesh identity signed by a foreign CA', async () => {
  const cert = await foreignCertificate(SLEEP_ID);
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port, ...cert });
  assert.equal(r.status, undefined, `answered ${r.status} to a foreign certificate`);
});

test('Should refuse a TLS client without a certificate under STRICT', async () => {
  const r = await probeTls({ host: httpbin.ip, port: httpbin.port });
  assert.equal(r.status, undefined, `answered ${r.status} to a client without a certificate`);
});

test('Should send plaintext to a workload whose policy is DISABLE (auto mTLS), overriding the namespace\'s STRICT', async () => {
  await mesh.apply({ 'pa-httpbin.yaml': peerAuthentication('httpbin', 'DISABLE', { app: 'httpbin' }) });
  await eventually(async () => (await plaintextCurl(INBOUND)).status === 200, 10_000, 'plaintext accepted under DISABLE');
  // The client sidecar learns of DISABLE through its own push; until then it still sends mTLS.
  const r = await eventually(async () => {
    const x = await fromSleep();
    return x.status === 200 && x.xfcc === undefined ? x : undefined;
  }, 10_000, 'sleep sending plaintext');
  assert.equal(r.status, 200);
  for (let i = 0; i < 5; i++) {
    const again = await fromSleep();
    assert.equal(again.status, 200);
    assert.equal(again.xfcc, undefined);
  }
});
