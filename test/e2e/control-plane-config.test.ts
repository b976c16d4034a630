import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHeddle, stopProcess, waitForLog } from '../support/heddle.js';

const VS = (timeout: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
  - timeout: ${timeout}
    route:
    - destination: {host: ratings}
`;

interface Configz {
  version: number;
  resources: Array<{ kind: string; metadata: { name: string }; spec: { http?: Array<{ timeout?: string }> } }>;
}

async function get<T>(port: number, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Polls `check` every 50 ms for at most `ms`, returning its first non-undefined result. */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('Should serve the last good config while a watched file is bad, then apply the fix', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'heddle-cp-'));
  const file = join(dir, 'ratings.yaml');
  await writeFile(file, VS('1s'));
  const cp = startHeddle(['control-plane', '--config', dir, '--ca-dir', join(dir, '.ca'), '--secure-port', '0', '--monitoring-port', '0', '--log-format', 'json', '--debounce', '20']);
  try {
    const ready = await waitForLog(cp, (l) => typeof l.msg === 'string' && l.msg.startsWith('control plane ready'));
    const port = Number(new URL(String(ready.monitoring)).port);
    const timeoutServed = async () => (await get<Configz>(port, '/debug/configz')).resources[0]?.spec.http?.[0]?.timeout;
    assert.equal(await timeoutServed(), '1s');

    const rejected = waitForLog(cp, (l) => l.level === 40 && String(l.msg).includes('spec.http[0].timeout'));
    await writeFile(file, VS('fast'));
    const log = await rejected;
    assert.match(String(log.msg), new RegExp(`${file}:8: VirtualService default/ratings: spec\\.http\\[0\\]\\.timeout: `));
    const rejections = await get<{ rejections: Array<{ keptLastGood: boolean; issues: Array<{ field: string }> }> }>(port, '/debug/rejectionz');
    assert.equal(rejections.rejections.at(-1)?.keptLastGood, true);
    assert.equal(rejections.rejections.at(-1)?.issues[0]?.field, 'spec.http[0].timeout');
    assert.equal(await timeoutServed(), '1s', 'the last good version keeps serving');

    await writeFile(file, VS('2s'));
    assert.equal(await eventually(async () => ((await timeoutServed()) === '2s' ? '2s' : undefined)), '2s');

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /galley_validation_failed\{kind="VirtualService"\} 1/);
    assert.match(metrics, /galley_resources\{kind="VirtualService"\} 1/);
  } finally {
    const code = await stopProcess(cp);
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'the control plane exits cleanly on SIGTERM');
  }
});
