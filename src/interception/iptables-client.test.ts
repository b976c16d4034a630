import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCaptureOptions } from './capture-options.js';
import type { CommandOutcome, CommandRunner } from './command-runner.js';
import { CaptureError, createIptablesClient } from './iptables-client.js';

const INSTALLED = `*nat
:PREROUTING ACCEPT [0:0]
:ISTIO_INBOUND - [0:0]
-A PREROUTING -p tcp -j ISTIO_INBOUND
-A PREROUTING -j KEEP_ME
COMMIT
`;

function recorder(saved: Record<string, string>, overrides: Partial<Record<string, CommandOutcome>> = {}) {
  const calls: { file: string; args: readonly string[]; input: string | undefined }[] = [];
  const run: CommandRunner = async (file, args, input) => {
    calls.push({ file, args, input });
    return overrides[file] ?? { code: 0, stdout: file.endsWith('-save') ? saved[file] ?? '' : '', stderr: '', missing: false };
  };
  return { calls, run };
}

function options(family: string) {
  const parsed = parseCaptureOptions({ family });
  assert.ok(parsed.ok);
  return parsed.options;
}

describe('createIptablesClient', () => {
  it('Should install each family with one iptables-restore --noflush that replaces an earlier install', async () => {
    const { calls, run } = recorder({ 'iptables-save': INSTALLED });
    await createIptablesClient({ run, uid: () => 0 }).apply(options('dual'));
    assert.deepEqual(calls.map((c) => `${c.file} ${c.args.join(' ')}`), [
      'iptables-save -t nat', 'iptables-restore --noflush', 'ip6tables-save -t nat', 'ip6tables-restore --noflush',
    ]);
    const v4 = calls[1]!.input!;
    assert.ok(v4.includes('\n-D PREROUTING -p tcp -j ISTIO_INBOUND\n'));
    assert.ok(!v4.includes('KEEP_ME'));
    assert.equal(v4.match(/^-A PREROUTING /gm)?.length, 1);
    assert.ok(!calls[3]!.input!.includes('-D '));
  });

  it('Should refuse to change anything when not root', async () => {
    const { calls, run } = recorder({});
    await assert.rejects(createIptablesClient({ run, uid: () => 1000 }).apply(options('ipv4')), (err: unknown) => err instanceof CaptureError && err.code === 'NOT_ROOT' && /root/.test(err.message));
    await assert.rejects(createIptablesClient({ run, uid: () => 1000 }).clean(['ipv4']), (err: unknown) => err instanceof CaptureError && err.code === 'NOT_ROOT');
    assert.equal(calls.length, 0);
  });

  it('Should name the missing tool and how to install it', async () => {
    const { run } = recorder({}, { 'iptables-save': { code: null, stdout: '', stderr: '', missing: true } });
    await assert.rejects(createIptablesClient({ run, uid: () => 0 }).apply(options('ipv4')), (err: unknown) => err instanceof CaptureError && err.code === 'IPTABLES_MISSING' && err.message.includes('apt-get install iptables'));
  });

  it('Should report a failing restore with its stderr', async () => {
    const { run } = recorder({}, { 'iptables-restore': { code: 2, stdout: '', stderr: 'iptables-restore: line 3 failed', missing: false } });
    await assert.rejects(createIptablesClient({ run, uid: () => 0 }).apply(options('ipv4')), /line 3 failed/);
  });

  it('Should clean by deleting only the found jumps and chains', async () => {
    const { calls, run } = recorder({ 'iptables-save': INSTALLED });
    const reports = await createIptablesClient({ run, uid: () => 0 }).clean(['ipv4']);
    assert.deepEqual(reports, [{ family: 'ipv4', jumps: 1, chains: ['ISTIO_INBOUND'] }]);
    assert.deepEqual(calls.slice(1).map((c) => `${c.file} ${c.args.join(' ')}`), [
      'iptables -t nat -D PREROUTING -p tcp -j ISTIO_INBOUND',
      'iptables -t nat -F ISTIO_INBOUND',
      'iptables -t nat -X ISTIO_INBOUND',
    ]);
  });
});
