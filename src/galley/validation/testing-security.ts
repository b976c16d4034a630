// Test helpers for the security kinds: a resource from an indented spec block, and path-first assertions.
import assert from 'node:assert/strict';

type SecurityKind = 'PeerAuthentication' | 'AuthorizationPolicy' | 'RequestAuthentication';

/**
 * A `security.istio.io/v1` resource of `kind` named `test` (in namespace `foo` unless told),
 * whose spec is the block `spec`, written at any indentation.
 */
export function securityResource(kind: SecurityKind, spec: string, opts: { name?: string; namespace?: string } = {}): string {
  const lines = spec.replace(/^\n+/, '').trimEnd().split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return [
    'apiVersion: security.istio.io/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${opts.name ?? 'test'}`,
    `  namespace: ${opts.namespace ?? 'foo'}`,
    'spec:',
    ...lines.map((l) => `  ${l.slice(indent)}`),
  ].join('\n');
}

/**
 * Asserts one problem per expected `[path, gist]`, in order: each problem is at exactly that path
 * (warnings are prefixed `warning: `) and its message contains the gist.
 */
export function assertProblems(actual: string[], expected: Array<[string, string]>): void {
  assert.equal(actual.length, expected.length, `expected ${expected.length} problems, got:\n${actual.join('\n')}`);
  expected.forEach(([path, gist], i) => {
    assert.ok(actual[i]!.startsWith(`${path}: `), `expected a problem at ${path}, got: ${actual[i]}`);
    assert.ok(actual[i]!.includes(gist), `expected "${gist}" in: ${actual[i]}`);
  });
}
