import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createGrpcCaClient } from '../security/ca-grpc-client.js';
import { istioCertificateServiceDefinition, type IstioCertificateServiceHandlers } from '../security/ca-service-definition.js';
import { createIdentityManager } from './identity-manager.js';
import { createCapturingLogger, createFakeCa, createManualTimers, type FakeCa } from './testing.js';
import { createTokenFileSource } from './token-file.js';

const IDENTITY = { trustDomain: 'cluster.local', namespace: 'default', serviceAccount: 'details' };
const DAY = 86_400_000;

describe('IdentityManager over gRPC', () => {
  let dir: string;
  let server: grpc.Server;
  let port: number;
  let ca: FakeCa;
  const tokens: string[] = [];
  const timers = createManualTimers(Date.now());

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heddle-agent-grpc-'));
    ca = await createFakeCa(timers.now);
    server = new grpc.Server();
    const handlers: IstioCertificateServiceHandlers = {
      CreateCertificate: (call, callback) => {
        tokens.push(String(call.metadata.get('authorization')[0]));
        ca.createCertificate({ csrPem: call.request.csr, validitySeconds: call.request.validityDuration }).then(
          (signed) => callback(null, { certChain: [...signed.certChainPem, ...signed.trustBundlePem] }),
          (err: Error) => callback({ code: grpc.status.INTERNAL, details: err.message }),
        );
      },
    };
    server.addService(istioCertificateServiceDefinition, handlers);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
  });

  after(() => {
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Should get its certificate with the token from its file, re-read for each renewal, and keep it while the CA is down', async () => {
    const tokenPath = join(dir, 'token');
    writeFileSync(tokenPath, 'token-1\n');
    const client = createGrpcCaClient({ address: `127.0.0.1:${port}`, token: createTokenFileSource(tokenPath) });
    const { log } = createCapturingLogger();
    const manager = createIdentityManager({ identity: IDENTITY, ca: client, certTtlMs: DAY, log, timers, random: () => 0.5 });
    try {
      manager.start();
      await manager.settled();
      const first = manager.current();
      assert.ok(first, manager.status().lastError);
      assert.equal(first.spiffeId, 'spiffe://cluster.local/ns/default/sa/details');
      assert.deepEqual(first.trustBundlePem.map((p) => p.trim()), [ca.rootPem.trim()], 'the root at the chain\'s end is the trust bundle');

      writeFileSync(tokenPath, 'token-2\n');
      timers.advance(DAY / 2);
      await manager.settled();
      const second = manager.current();
      assert.ok(second && second.serialNumber !== first.serialNumber);
      assert.deepEqual(tokens, ['Bearer token-1', 'Bearer token-2']);

      server.forceShutdown();
      timers.advance(DAY / 2);
      await manager.settled();
      assert.equal(manager.current(), second, 'the valid certificate stays while the CA is down');
      assert.equal(manager.status().consecutiveFailures, 1);
      assert.match(manager.status().lastError ?? '', /127\.0\.0\.1/);
      assert.equal(timers.pending()[0], timers.now() + 1000, 'the first retry is a second later');
    } finally {
      manager.stop();
      client.close();
    }
  });
});
