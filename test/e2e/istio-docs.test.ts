// Istio compatibility: every Istio resource example from Istio's task pages (and the Bookinfo
// networking samples they apply) must pass `heddle validate` unchanged. The examples live in
// test/fixtures/istio-docs/, one file per task page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

// This file runs compiled, from dist/test/e2e/, so the repository root is three levels up.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HEDDLE = join(ROOT, 'bin', 'heddle.js');
const FIXTURES = 'test/fixtures/istio-docs';

/**
 * The corpus may grow but must not shrink: raise this when examples are added. It counts the
 * non-empty YAML documents of every fixture file.
 */
const MIN_DOCUMENTS = 158;

/** How each fixture is named in test titles; a file missing here is named after itself. */
const TASKS: Readonly<Record<string, string>> = {
  'request-routing.yaml': 'request routing task',
  'fault-injection.yaml': 'fault injection task',
  'traffic-shifting.yaml': 'traffic shifting task',
  'tcp-traffic-shifting.yaml': 'TCP traffic shifting task',
  'request-timeouts.yaml': 'request timeouts task',
  'circuit-breaking.yaml': 'circuit breaking task',
  'mirroring.yaml': 'mirroring task',
  'ingress-control.yaml': 'ingress gateways task',
  'secure-ingress.yaml': 'secure gateways task',
  'ingress-sni-passthrough.yaml': 'ingress gateway without TLS termination task',
  'egress-control.yaml': 'accessing external services task',
  'egress-tls-origination.yaml': 'egress TLS origination task',
  'egress-gateway.yaml': 'egress gateways task',
  'egress-gateway-tls-origination.yaml': 'egress gateways with TLS origination task',
  'mtls-migration.yaml': 'mutual TLS migration task',
  'authn-policy.yaml': 'authentication policy task',
  'authz-http.yaml': 'HTTP traffic authorization task',
  'authz-tcp.yaml': 'TCP traffic authorization task',
  'authz-jwt.yaml': 'JWT authorization task',
  'authz-deny.yaml': 'explicit deny task',
  'authz-ingress.yaml': 'ingress access control task',
  'authz-td-migration.yaml': 'trust domain migration task',
  'bookinfo.yaml': 'Bookinfo networking samples',
};

const files = readdirSync(join(ROOT, FIXTURES))
  .filter((name) => name.endsWith('.yaml'))
  .sort();

/** The non-empty documents of a fixture file. */
function documentCount(file: string): number {
  const docs = parseAllDocuments(readFileSync(join(ROOT, FIXTURES, file), 'utf8'));
  if (!Array.isArray(docs)) return 0;
  return docs.filter((doc) => {
    assert.deepEqual(doc.errors, [], `${file}: YAML syntax error`);
    return doc.contents !== null && doc.toJS() !== null;
  }).length;
}

/**
 * Warnings a fixture may print; anything else on stdout fails its test. Each entry names the
 * fixture, the field and the start of the message.
 */
const EXPECTED_WARNINGS: Readonly<Record<string, readonly { field: RegExp; message: string }[]>> = {
  // Deprecated fields kept from earlier revisions of the pages; Istio's validation warns too.
  'circuit-breaking.yaml': [{ field: /^spec\.trafficPolicy\.outlierDetection\.consecutiveErrors$/, message: 'consecutiveErrors is deprecated' }],
  'mirroring.yaml': [{ field: /^spec\.http\[\d+\]\.mirrorPercent$/, message: 'mirrorPercent is deprecated' }],
  // Heddle warns where Istio's validation is silent: the deprecated delay `percent` field, and
  // DENY rules that use only HTTP attributes (Istio applies them to TCP traffic without them).
  'request-timeouts.yaml': [{ field: /^spec\.http\[\d+\]\.fault\.delay\.percent$/, message: 'percent is deprecated' }],
  'authn-policy.yaml': [{ field: /^spec\.rules\[\d+\]$/, message: 'this DENY rule matches only HTTP attributes' }],
  'authz-deny.yaml': [{ field: /^spec\.rules\[\d+\]$/, message: 'this DENY rule matches only HTTP attributes' }],
  'authz-tcp.yaml': [{ field: /^spec\.rules\[\d+\]$/, message: 'this DENY rule matches only HTTP attributes' }],
};

// `PATH:LINE: Kind namespace/name: field.path: warning: message`
const WARNING_LINE = /^[^:]+:\d+: \S+ \S+: (\S+): warning: (.*)$/;
const SUMMARY = /^(\d+) resources? in 1 file: all valid$/;

function isExpectedWarning(file: string, line: string): boolean {
  const m = WARNING_LINE.exec(line);
  if (!m) return false;
  const [, field, message] = m;
  return (EXPECTED_WARNINGS[file] ?? []).some((w) => w.field.test(field!) && message!.startsWith(w.message));
}

for (const file of files) {
  const title = TASKS[file] ?? file.replace(/\.yaml$/, '').replaceAll('-', ' ');
  test(`Should validate every example from the ${title}`, () => {
    const path = `${FIXTURES}/${file}`;
    const r = spawnSync(process.execPath, [HEDDLE, 'validate', path], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const output = `heddle validate ${path} exited ${r.status}\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`;
    assert.equal(r.status, 0, output);
    // Problems are printed one a line on stdout; only the expected warnings may be there.
    const problems = r.stdout.split('\n').filter((line) => line !== '' && !isExpectedWarning(file, line));
    assert.deepEqual(problems, [], output);
    // stderr holds only the summary line, which must count every document as a checked resource:
    // a document Heddle silently ignored would not prove anything.
    const lines = r.stderr.split('\n').filter((line) => line.trim() !== '');
    assert.equal(lines.length, 1, output);
    const summary = SUMMARY.exec(lines[0]!);
    assert.ok(summary, output);
    assert.equal(Number(summary[1]), documentCount(file), `every document of ${path} should be checked\n${output}`);
  });
}

test('Should keep at least the known number of Istio examples in the corpus', () => {
  assert.ok(files.length > 0, `no fixtures found in ${FIXTURES}`);
  const counts = files.map((file) => [file, documentCount(file)] as const);
  for (const [file, count] of counts) assert.ok(count > 0, `${file} holds no documents`);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  assert.ok(total >= MIN_DOCUMENTS, `the corpus holds ${total} documents, fewer than ${MIN_DOCUMENTS}`);
});
