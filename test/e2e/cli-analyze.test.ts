import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHeddle } from '../support/heddle.js';

const PLATFORM = `apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  ports: [{port: 9080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec:
  template:
    metadata:
      labels: {app: reviews, version: v1}
`;

const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
`;

const VS = (subset: string, host = 'reviews') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: ${host}, subset: ${subset}}
`;

async function analyzeFiles(files: Record<string, string>, args: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-analyze-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return { dir, ...runHeddle(['analyze', ...args, dir]) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('Should pass a consistent config whose services come from Kubernetes objects beside it', async () => {
  const r = await analyzeFiles({ 'platform.yaml': PLATFORM, 'dr.yaml': DR, 'vs.yaml': VS('v1') });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /analyzed 2 resources in 3 files: 0 errors, 0 warnings/);
});

test('Should flag a route to an undefined subset with IST0101 and exit 1', async () => {
  const r = await analyzeFiles({ 'platform.yaml': PLATFORM, 'dr.yaml': DR, 'vs.yaml': VS('v2') });
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  assert.match(lines[0]!, /vs\.yaml:8: VirtualService default\/reviews: spec\.http\[0\]\.route\[0\]\.destination\.subset: .*v2.* \[IST0101\]$/);
});

test('Should flag a route to a host that no service defines', async () => {
  const r = await analyzeFiles({ 'platform.yaml': PLATFORM, 'dr.yaml': DR, 'vs.yaml': VS('v1', 'ratings') });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /spec\.http\[0\]\.route\[0\]\.destination\.host: .*ratings.* \[IST0101\]/);
});

test('Should exit 0 on warnings alone, and 1 with --fail-on warning', async () => {
  const files = { 'platform.yaml': PLATFORM, 'dr.yaml': DR.replace('version: v1}', 'version: v9}'), 'vs.yaml': VS('v1') };
  const lenient = await analyzeFiles(files);
  assert.equal(lenient.status, 0, lenient.stdout);
  assert.match(lenient.stdout, /dr\.yaml:\d+: DestinationRule default\/reviews: spec\.subsets\[0\]\.labels: warning: .* \[IST0173\]/);
  const strict = await analyzeFiles(files, ['--fail-on', 'warning']);
  assert.equal(strict.status, 1);
});

test('Should report validation errors too, and print JSON with -o json', async () => {
  const r = await analyzeFiles({ 'platform.yaml': PLATFORM, 'vs.yaml': VS('v1').replace('http:', 'htp:') }, ['-o', 'json']);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout) as { failed: boolean; issues: Array<{ field: string; severity: string }> };
  assert.equal(out.failed, true);
  assert.deepEqual(out.issues.map((i) => i.field), ['spec', 'spec.htp'], 'issues are printed in line order');
});

test('Should list every analyzer with its code', () => {
  const r = runHeddle(['analyze', '--list-analyzers']);
  assert.equal(r.status, 0);
  for (const code of ['IST0101', 'IST0109', 'IST0127', 'IST0130', 'IST0173', 'IST0174']) assert.match(r.stdout, new RegExp(`^${code}\\t`, 'm'));
});

test('Should warn when two files define the same resource, naming the earlier one', async () => {
  const r = await analyzeFiles({ 'platform.yaml': PLATFORM, 'a.yaml': DR, 'b.yaml': DR });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, `${join(r.dir, 'b.yaml')}:1: DestinationRule default/reviews: warning: also defined at ${join(r.dir, 'a.yaml')}:1; this later definition replaces it\n`);
});
