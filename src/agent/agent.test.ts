import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from '../proxy/tls/secret-provider.js';
import { createAgent } from './agent.js';
import { createCapturingLogger, createFakeCa, createManualTimers } from './testing.js';

const IDENTITY = { trustDomain: 'cluster.local', namespace: 'default', serviceAccount: 'productpage' };

describe('Agent', () => {
  it('Should serve its proxy the default and ROOTCA secrets once the CA signed', async () => {
    const timers = createManualTimers(Date.UTC(2030, 0, 1));
    const ca = await createFakeCa(timers.now);
    const { log } = createCapturingLogger();
    const agent = createAgent({ identity: IDENTITY, ca, log, timers });
    const first = new Promise<Secret | undefined>((resolve) => agent.secrets.watch('default', resolve));
    agent.start();
    const secret = await first;
    assert.equal(secret?.kind, 'certificate');
    assert.deepEqual(agent.secrets.get('ROOTCA'), { kind: 'validation', trustedCaPem: ca.rootPem + '\n' });
    assert.equal(agent.status()?.state, 'valid');
    assert.equal(ca.requests[0]?.validitySeconds, 86_400, 'asks for 24h by default');
    agent.close();
    assert.ok(ca.closed, 'closing the agent closes its CA client');
    assert.deepEqual(timers.pending(), []);
  });

  it('Should finish its first attempt only once the certificate is served', async () => {
    const timers = createManualTimers(Date.UTC(2030, 0, 1));
    const ca = await createFakeCa(timers.now);
    const { log } = createCapturingLogger();
    const agent = createAgent({ identity: IDENTITY, ca, log, timers });
    agent.start();
    assert.equal(agent.secrets.get('default'), undefined, 'nothing before the CA answers');
    await agent.firstAttempt();
    assert.equal(agent.secrets.get('default')?.kind, 'certificate');
    agent.close();
  });

  it('Should finish its first attempt at once when it has no identity', async () => {
    const { log } = createCapturingLogger();
    const agent = createAgent({ identity: IDENTITY, log });
    agent.start();
    await agent.firstAttempt();
    assert.equal(agent.secrets.get('default'), undefined);
    agent.close();
  });

  it('Should warn that mTLS is unavailable when it has no CA', () => {
    const { log, lines } = createCapturingLogger();
    const agent = createAgent({ identity: IDENTITY, log });
    agent.start();
    assert.ok(lines.some((l) => l.level === 40 && /mTLS is unavailable/.test(l.msg)));
    assert.equal(agent.secrets.get('default'), undefined);
    assert.equal(agent.status(), undefined);
    agent.close();
  });
});
