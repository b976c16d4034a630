import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { CommandRunner } from './command-runner.js';
import { prepareCaptureProcess } from './capture-process.js';
import type { ProcessCredentials } from './privilege-drop.js';

function root(): ProcessCredentials & { uid: number } {
  const p = { uid: 0, gid: 0, getuid: () => p.uid, getgid: () => p.gid, setgid: (id: number) => void (p.gid = id), setuid: (id: number) => void (p.uid = id) };
  return p;
}

describe('prepareCaptureProcess', () => {
  const log = pino({ level: 'silent' });

  it('Should add ::6 to lo for an IPv6 workload before dropping to the proxy uid', async () => {
    const order: string[] = [];
    const credentials = root();
    const run: CommandRunner = async (file, args) => {
      order.push(`${file} ${args.join(' ')} as ${credentials.uid}`);
      return { code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists', missing: false };
    };
    await prepareCaptureProcess({ instanceIp: 'fd00::2', uid: 1337, gid: 1337 }, log, { run, credentials });
    assert.deepEqual(order, ['ip -6 addr add ::6/128 dev lo as 0']);
    assert.equal(credentials.uid, 1337);
  });

  it('Should not touch lo for an IPv4 workload, and fail clearly when ::6 cannot be added', async () => {
    const run: CommandRunner = async () => ({ code: 2, stdout: '', stderr: 'Operation not permitted', missing: false });
    const v4 = root();
    await prepareCaptureProcess({ instanceIp: '10.0.0.2', uid: 1337, gid: 1337 }, log, { run: () => assert.fail('ip called'), credentials: v4 });
    assert.equal(v4.uid, 1337);
    await assert.rejects(prepareCaptureProcess({ instanceIp: 'fd00::2', uid: 1337, gid: 1337 }, log, { run, credentials: root() }), /::6.*Operation not permitted/);
  });
});
