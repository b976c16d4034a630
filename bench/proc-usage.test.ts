import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { childPids, cpuSeconds, rssMb } from './proc-usage.js';

describe('proc-usage', () => {
  it('Should count the CPU time this process spends', () => {
    const before = cpuSeconds(process.pid);
    // Spin until 50 ms of CPU (5 ticks) show up; on a loaded machine that takes longer than 50 ms of
    // wall time, so the bound is generous, and a reader that never moves fails at it.
    const until = performance.now() + 5000;
    let spin = 0;
    while (cpuSeconds(process.pid) - before < 0.05 && performance.now() < until) {
      const slice = performance.now() + 5;
      while (performance.now() < slice) spin++;
    }
    assert.ok(spin > 0);
    assert.ok(cpuSeconds(process.pid) - before >= 0.05, `cpu went from ${before} to ${cpuSeconds(process.pid)}`);
  });

  it('Should read the resident memory of a live process and NaN for a missing one', () => {
    const mb = rssMb(process.pid);
    assert.ok(mb > 10 && mb < 4096, `rss ${mb}`);
    assert.ok(Number.isNaN(rssMb(2 ** 22 + 12345)));
    assert.equal(cpuSeconds(2 ** 22 + 12345), 0);
  });

  it('Should list a spawned child among the children of this process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
    try {
      await once(child, 'spawn');
      assert.ok(childPids(process.pid).includes(child.pid!));
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});
