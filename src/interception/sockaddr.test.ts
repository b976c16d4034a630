import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSockaddr } from './sockaddr.js';

/** A sockaddr_in as Linux lays it out: family (host order), port big-endian, address. */
function sockaddrIn(address: number[], port: number): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = 2;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(address, 4);
  return b;
}

function sockaddrIn6(address: number[], port: number): Uint8Array {
  const b = new Uint8Array(28);
  b[0] = 10;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(address, 8);
  return b;
}

describe('parseSockaddr', () => {
  it('Should read an IPv4 original destination from bytes 2-7', () => {
    assert.deepEqual(parseSockaddr(sockaddrIn([10, 213, 0, 2], 8080)), { address: '10.213.0.2', port: 8080 });
  });

  it('Should read an IPv6 original destination from bytes 2-3 and 8-23, compressed', () => {
    const addr = [0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x02];
    assert.deepEqual(parseSockaddr(sockaddrIn6(addr, 9080)), { address: 'fd00::2', port: 9080 });
    const full = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1];
    assert.deepEqual(parseSockaddr(sockaddrIn6(full, 443)), { address: '2001:db8:1::1:0:1', port: 443 });
  });

  it('Should give a v4-mapped IPv6 destination in IPv4 form', () => {
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 9];
    assert.deepEqual(parseSockaddr(sockaddrIn6(mapped, 80)), { address: '192.168.1.9', port: 80 });
  });

  it('Should refuse another family, a short buffer and an empty answer', () => {
    const unix = sockaddrIn([1, 2, 3, 4], 80);
    unix[0] = 1;
    assert.equal(parseSockaddr(unix), undefined);
    assert.equal(parseSockaddr(new Uint8Array(4)), undefined);
    assert.equal(parseSockaddr(sockaddrIn([0, 0, 0, 0], 0)), undefined);
    assert.equal(parseSockaddr(sockaddrIn6([], 80).subarray(0, 16)), undefined);
  });
});
