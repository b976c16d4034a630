import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createGalley, type ConfigSource } from '../galley/index.js';
import { createLogger } from '../log/index.js';
import { appliedConfigActions } from './applied-config-api.js';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v3}
`;

async function setup(dir: string) {
  const source: ConfigSource = { description: 'test', list: async () => [], watch: () => () => {} };
  const galley = createGalley({ source, log: createLogger({ level: 'silent', format: 'json' }) });
  await galley.start({ watch: false });
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>), done()) }));
  const actions = appliedConfigActions(galley, join(dir, 'applied.yaml'), log);
  return { galley, actions, lines };
}

test('Should keep applied config in the file and serve it again from a new control plane', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-applied-api-'));
  try {
    const first = await setup(dir);
    assert.equal(first.actions['/apply']!(VS, new URLSearchParams('file=vs.yaml')).status, 200);
    assert.match(readFileSync(join(dir, 'applied.yaml'), 'utf8'), /subset: v3/);
    const second = await setup(dir);
    assert.equal(second.galley.snapshot().get('VirtualService', 'default', 'reviews')?.resource.spec.http?.[0]?.route?.[0]?.destination?.subset, 'v3');
    assert.ok(second.lines.some((l) => /serving 1 applied resources kept in/.test(String(l.msg))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Should set a kept file that is refused aside, so the next apply does not overwrite it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-applied-api-'));
  try {
    const refused = VS.replace('route:', 'rewite: {}\n    route:');
    writeFileSync(join(dir, 'applied.yaml'), refused);
    const { galley, actions, lines } = await setup(dir);
    assert.equal(galley.snapshot().get('VirtualService', 'default', 'reviews'), undefined);
    const aside = readdirSync(dir).find((f) => f.startsWith('applied.yaml.refused-'));
    assert.ok(aside, `set aside: ${readdirSync(dir).join(', ')}`);
    assert.equal(readFileSync(join(dir, aside), 'utf8'), refused);
    assert.ok(lines.some((l) => l.level === 50 && String(l.msg).includes(`it is kept as ${join(dir, aside)}`) && /rewite: unknown field/.test(String(l.msg))));
    assert.equal(actions['/apply']!(VS.replace('name: reviews', 'name: ratings'), new URLSearchParams()).status, 200);
    assert.equal(readFileSync(join(dir, aside), 'utf8'), refused, 'the refused file is untouched');
    assert.ok(existsSync(join(dir, 'applied.yaml')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Should still answer an apply that is served when the file cannot be written, and log why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'heddle-applied-api-'));
  try {
    const { galley, actions, lines } = await setup(join(dir, 'missing-dir'));
    assert.equal(actions['/apply']!(VS, new URLSearchParams()).status, 200);
    assert.ok(galley.snapshot().get('VirtualService', 'default', 'reviews'));
    assert.ok(lines.some((l) => l.level === 50 && /could not be kept in .*a restart will lose it/.test(String(l.msg))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
