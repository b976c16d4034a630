import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMeshConfigFile } from './mesh-config-file.js';

function withFile(text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-mesh-config-'));
  try {
    const path = join(dir, 'mesh.yaml');
    writeFileSync(path, text);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Should load the providers of a MeshConfig YAML file', () => {
  withFile('trustDomain: example.org\nextensionProviders:\n- name: authz\n  envoyExtAuthzHttp: {service: authz.default.svc.cluster.local, port: 8000}\n', (path) => {
    const mesh = readMeshConfigFile(path);
    assert.equal(mesh.trustDomain, 'example.org');
    assert.equal(mesh.extensionProviders?.[0]?.envoyExtAuthzHttp?.port, 8000);
  });
});

test('Should name the file and the field of an unknown field', () => {
  withFile('rootNamespace: x\nenableAutoMTLS: true\n', (path) => {
    assert.throws(() => readMeshConfigFile(path), (err: Error) => err.message.includes(`${path}: enableAutoMTLS: unknown field`));
  });
});

test('Should name the file when it is not YAML or does not exist', () => {
  withFile('a: [1\n', (path) => {
    assert.throws(() => readMeshConfigFile(path), (err: Error) => err.message.startsWith(`${path}: cannot read`));
  });
  assert.throws(() => readMeshConfigFile('/nonexistent/mesh.yaml'), /\/nonexistent\/mesh\.yaml: cannot read/);
});
