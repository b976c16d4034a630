import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { ConnectionInfo, DownstreamExchange } from '../http/exchange.js';
import { RetargetedExchange } from './explicit-exchange.js';

const CONNECTION: ConnectionInfo = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.2', localPort: 15001, destinationAddress: 'reviews', destinationPort: 9080, tls: false };

function inner(upgrade?: () => PassThrough): DownstreamExchange {
  return { connection: CONNECTION, ...(upgrade ? { upgrade } : {}) } as unknown as DownstreamExchange;
}

test('Should hand over the inner exchange\'s upgraded socket, so WebSockets work through the explicit proxy', () => {
  const socket = new PassThrough();
  const retargeted = new RetargetedExchange(inner(() => socket), { ...CONNECTION, destinationPort: 9090 });
  assert.equal(retargeted.upgrade?.(), socket);
  assert.equal(retargeted.connection.destinationPort, 9090);
});

test('Should offer no upgrade when the inner exchange cannot upgrade', () => {
  assert.equal(new RetargetedExchange(inner(), CONNECTION).upgrade, undefined);
});
