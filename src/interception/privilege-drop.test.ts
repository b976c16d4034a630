import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropPrivileges, type ProcessCredentials } from './privilege-drop.js';

function fakeProcess(uid: number, gid: number, failSetuid = false): ProcessCredentials & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getuid: () => uid,
    getgid: () => gid,
    setgroups: (groups) => void calls.push(`setgroups ${groups.join(',')}`),
    setgid: (id) => {
      calls.push(`setgid ${id}`);
      gid = id;
    },
    setuid: (id) => {
      calls.push(`setuid ${id}`);
      if (failSetuid) throw new Error('EPERM');
      uid = id;
    },
  };
}

describe('dropPrivileges', () => {
  it('Should clear groups, then set the gid, then the uid when running as root', () => {
    const proc = fakeProcess(0, 0);
    assert.deepEqual(dropPrivileges({ uid: 1337, gid: 1337 }, proc), { ok: true, action: 'dropped' });
    assert.deepEqual(proc.calls, ['setgroups 1337', 'setgid 1337', 'setuid 1337']);
  });

  it('Should do nothing when already the proxy uid', () => {
    const proc = fakeProcess(1337, 1337);
    assert.deepEqual(dropPrivileges({ uid: 1337, gid: 1337 }, proc), { ok: true, action: 'already' });
    assert.deepEqual(proc.calls, []);
  });

  it('Should report an unprivileged uid without trying to switch', () => {
    const proc = fakeProcess(1000, 1000);
    assert.deepEqual(dropPrivileges({ uid: 1337, gid: 1337 }, proc), { ok: true, action: 'unprivileged', uid: 1000 });
    assert.deepEqual(proc.calls, []);
  });

  it('Should fail with the reason when the switch is refused', () => {
    const outcome = dropPrivileges({ uid: 1337, gid: 1337 }, fakeProcess(0, 0, true));
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.reason.includes('EPERM'));
  });
});
