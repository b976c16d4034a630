// `heddle proxy-config secrets` end to end: a real control plane and a sidecar with a bootstrap
// token (so it holds a SPIFFE certificate), read with the real CLI through the control plane and
// straight from the sidecar's admin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runHeddle } from '../support/heddle.js';
import { eventually } from '../support/mesh-config.js';
import { meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

// This file's block: instance IP 127.0.0.190, app port 22250.
const RATINGS: WorkloadSpec = { name: 'ratings-v1', app: 'ratings', version: 'v1', ip: '127.0.0.190', port: 22250 };
const REDACTED = Buffer.from('[redacted]').toString('base64');

let mesh: Mesh;
let controlPlane: string;
let admin: string;

interface Row {
  readonly name: string;
  readonly cells: readonly string[];
}

/** The table's rows, split on the column gaps (no cell holds two spaces). */
function rowsOf(table: string): Row[] {
  const [header, ...lines] = table.trimEnd().split('\n');
  assert.match(header ?? '', /^RESOURCE NAME +TYPE +STATUS +VALID CERT +SERIAL NUMBER +NOT AFTER +NOT BEFORE$/);
  return lines.map((line) => {
    const cells = line.split(/ {2,}/);
    return { name: cells[0] ?? '', cells: cells.slice(1) };
  });
}

/** The leaf serial the sidecar's /certs reports for `default`, as a hex number (no leading zeros). */
async function certsSerial(): Promise<string> {
  const res = await fetch(`http://${admin}/certs`);
  const body = (await res.json()) as { certificates: { cert_chain: { serial_number: string }[] }[] };
  const serial = body.certificates.flatMap((c) => c.cert_chain)[0]?.serial_number;
  assert.ok(serial, `/certs lists the workload certificate: ${JSON.stringify(body)}`);
  return BigInt(`0x${serial}`).toString(16);
}

before(async () => {
  mesh = await startMesh({ 'services.yaml': meshServiceEntry('ratings', 9080, [RATINGS], 'HTTP', { mtls: true }) }, [RATINGS]);
  const workload = mesh.workloads.get(RATINGS.name)!;
  await eventually(async () => workload.logs.some((l) => l.msg === 'workload certificate issued'), 15_000, 'the workload certificate issued');
  controlPlane = `http://127.0.0.1:${mesh.monitoringPort}`;
  admin = `127.0.0.1:${workload.adminPort}`;
});

after(async () => {
  await mesh?.stop();
});

test('Should print the sidecar\'s workload certificate and root, found through the control plane, with the serial /certs reports', async () => {
  const serial = await certsSerial();
  const r = runHeddle(['proxy-config', 'secrets', 'ratings-v1', '--control-plane', controlPlane]);
  assert.equal(r.status, 0, r.stderr);
  const rows = rowsOf(r.stdout);
  const byName = new Map(rows.map((row) => [row.name, row.cells]));
  const [type, status, valid, rowSerial, notAfter, notBefore] = byName.get('default') ?? [];
  assert.deepEqual([type, status, valid, rowSerial], ['Cert Chain', 'ACTIVE', 'true', serial], r.stdout);
  assert.match(notAfter ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Date.parse(notBefore ?? '') < Date.now() && Date.now() < Date.parse(notAfter ?? ''), r.stdout);
  assert.deepEqual(byName.get('ROOTCA')?.slice(0, 3), ['CA', 'ACTIVE', 'true'], r.stdout);
});

test('Should print the same secrets straight from the admin with --admin and no proxy, and as JSON without any private key', async () => {
  const viaControlPlane = runHeddle(['proxy-config', 'secrets', 'ratings-v1', '--control-plane', controlPlane]);
  const direct = runHeddle(['proxy-config', 'secrets', '--admin', admin]);
  assert.equal(direct.status, 0, direct.stderr);
  assert.deepEqual(rowsOf(direct.stdout).map((r) => [r.name, ...r.cells.slice(0, 4)]), rowsOf(viaControlPlane.stdout).map((r) => [r.name, ...r.cells.slice(0, 4)]));

  const json = runHeddle(['proxy-config', 'secrets', 'ratings-v1', '-o', 'json', '--control-plane', controlPlane]);
  assert.equal(json.status, 0, json.stderr);
  const dump = JSON.parse(json.stdout) as {
    '@type': string;
    dynamic_active_secrets: { name: string; version_info: string; last_updated?: string; secret: { tls_certificate?: { certificate_chain: { inline_bytes: string }; private_key: { inline_bytes: string } } } }[];
  };
  assert.equal(dump['@type'], 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump');
  const active = dump.dynamic_active_secrets.find((s) => s.name === 'default');
  assert.ok(active?.secret.tls_certificate, json.stdout);
  assert.equal(active.secret.tls_certificate.private_key.inline_bytes, REDACTED);
  assert.match(Buffer.from(active.secret.tls_certificate.certificate_chain.inline_bytes, 'base64').toString('utf8'), /^-----BEGIN CERTIFICATE-----/);
  assert.ok(Number(active.version_info) >= 1 && Date.parse(active.last_updated ?? '') <= Date.now(), JSON.stringify(active));
  // Neither in the JSON nor in any bytes field it carries.
  const decoded = [...json.stdout.matchAll(/"inline_bytes": "([^"]*)"/g)].map((m) => Buffer.from(m[1] ?? '', 'base64').toString('utf8'));
  for (const text of [json.stdout, ...decoded]) assert.doesNotMatch(text, /PRIVATE KEY/);
});

test('Should name the admin address and suggest --admin when the admin does not answer', () => {
  // Port 1 on loopback: nothing of ours listens there.
  const r = runHeddle(['proxy-config', 'secrets', '--admin', '127.0.0.1:1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot reach the sidecar's admin at 127\.0\.0\.1:1 .*--admin host:port/);
  const other = runHeddle(['proxy-config', 'clusters', '--admin', admin]);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /--admin applies to secrets only/);
});
