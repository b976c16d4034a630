import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { createOriginalDestinationReader, isLoop, type GetSockopt } from './original-destination.js';

/** A stand-in socket with what the reader looks at. */
function fakeSocket(localAddress: string, localPort: number, fd = 7): net.Socket {
  return { localAddress, localPort, _handle: { fd } } as unknown as net.Socket;
}

function answer(family: 2 | 10, address: number[], port: number): Uint8Array {
  const b = new Uint8Array(28);
  b[0] = family;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(address, family === 2 ? 4 : 8);
  return b;
}

describe('createOriginalDestinationReader', () => {
  it('Should return the redirected destination and ask the IPv4 level first for an IPv4 socket', () => {
    const asked: number[] = [];
    const getsockopt: GetSockopt = (fd, level, name) => {
      asked.push(level);
      assert.equal(fd, 7);
      assert.equal(name, 80);
      return level === 0 ? answer(2, [10, 213, 0, 2], 8080) : undefined;
    };
    const read = createOriginalDestinationReader(getsockopt);
    assert.deepEqual(read(fakeSocket('::ffff:10.213.0.1', 15001)), { address: '10.213.0.2', port: 8080 });
    assert.deepEqual(asked, [0]);
  });

  it('Should ask the IPv6 level first for an IPv6 socket and fall back to IPv4', () => {
    const asked: number[] = [];
    const v6 = createOriginalDestinationReader((_fd, level) => {
      asked.push(level);
      return level === 41 ? answer(10, [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 9080) : undefined;
    });
    assert.deepEqual(v6(fakeSocket('fd00::1', 15001)), { address: 'fd00::2', port: 9080 });
    assert.deepEqual(asked, [41]);
    const v4only = createOriginalDestinationReader((_fd, level) => (level === 0 ? answer(2, [10, 0, 0, 9], 80) : undefined));
    assert.deepEqual(v4only(fakeSocket('fd00::1', 15001)), { address: '10.0.0.9', port: 80 });
  });

  it('Should refuse a destination equal to the socket\'s own address and port, so a direct connection does not loop', () => {
    const read = createOriginalDestinationReader(() => answer(2, [10, 213, 0, 1], 15001));
    assert.equal(read(fakeSocket('::ffff:10.213.0.1', 15001)), undefined);
    assert.deepEqual(read(fakeSocket('::ffff:10.213.0.1', 15006)), { address: '10.213.0.1', port: 15001 });
  });

  it('Should return undefined when the socket has no fd or no level answers', () => {
    const read = createOriginalDestinationReader(() => undefined);
    assert.equal(read(fakeSocket('10.0.0.1', 15001)), undefined);
    const never = createOriginalDestinationReader(() => assert.fail('getsockopt called without an fd'));
    assert.equal(never({ localAddress: '10.0.0.1', localPort: 1 } as unknown as net.Socket), undefined);
  });

  it('Should call the real getsockopt on an accepted socket and refuse the unredirected answer', async () => {
    const read = createOriginalDestinationReader();
    const results: unknown[] = [];
    const server = net.createServer((socket) => {
      results.push(read(socket));
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => net.connect(port, '127.0.0.1').on('close', () => resolve()).on('error', () => undefined));
    await new Promise((resolve) => server.close(resolve));
    // Not redirected: the kernel answers with the socket's own address (or not at all without
    // conntrack), and the loop guard turns either into undefined.
    assert.deepEqual(results, [undefined]);
  });
});

describe('isLoop', () => {
  it('Should compare v4-mapped and plain IPv4 forms as the same address', () => {
    assert.equal(isLoop({ address: '10.0.0.1', port: 15001 }, '::ffff:10.0.0.1', 15001), true);
    assert.equal(isLoop({ address: '10.0.0.1', port: 15001 }, '10.0.0.1', 15006), false);
    assert.equal(isLoop({ address: '10.0.0.2', port: 15001 }, '10.0.0.1', 15001), false);
  });
});
